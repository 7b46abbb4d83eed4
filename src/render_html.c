/* render_html.c — an ff_report as one self-contained HTML page: notes,
 * key figures as cards, charts drawn here as inline SVG, then every table.
 * Nothing is loaded from anywhere: the CSS and the small sorting script are
 * inline, and a Content-Security-Policy with the script's SHA-256 forbids
 * all else.  Log bytes reach the page only escaped (SPEC §9). */
#include "render.h"
#include "humanize.h"
#include "utf8.h"

#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"

enum {
	NUM_BUF = 64,        /* any formatted number fits */
	CELL_UNITS = 200,    /* characters of log text shown in a table cell */
	LABEL_UNITS = 60,    /* ... in a chart label */
	TITLE_UNITS = 2000,  /* ... in a tooltip (title attribute) */
	PLOT_W = 1000,       /* chart geometry: viewBox units, stretched by CSS */
	PLOT_H = 300,
	MAX_SPAN_DAYS = 3700, /* a longer "days" table is drawn without gap filling */
};

static const ff_render_opts default_opts = { .separators = true };

/* --- SHA-256 (FIPS 180-4), for the script hash in the CSP ------------- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(a, h, sizeof a);
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = ror32(a[4], 6) ^ ror32(a[4], 11) ^ ror32(a[4], 25);
		uint32_t ch = (a[4] & a[5]) ^ (~a[4] & a[6]);
		uint32_t t1 = a[7] + s1 + ch + sha_k[i] + w[i];
		uint32_t s0 = ror32(a[0], 2) ^ ror32(a[0], 13) ^ ror32(a[0], 22);
		uint32_t maj = (a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]);
		memmove(a + 1, a, 7 * sizeof *a);
		a[4] += t1;
		a[0] = t1 + s0 + maj;
	}
	for (int i = 0; i < 8; i++)
		h[i] += a[i];
}

static void sha256(const void *data, size_t n, unsigned char out[32])
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const unsigned char *p = data;
	unsigned char tail[128] = { 0 };
	size_t full = n / 64 * 64, rest = n - full, tail_n = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;

	for (size_t i = 0; i < full; i += 64)
		sha256_block(h, p + i);
	if (rest)
		memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	for (int i = 0; i < 8; i++)
		tail[tail_n - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tail_n; i += 64)
		sha256_block(h, tail + i);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

/* out holds 45 bytes: 44 characters of base64 and a NUL. */
static void base64_32(const unsigned char in[32], char out[45])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < 32; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < 32 ? (uint32_t)in[i + 1] << 8 : 0) |
			     (i + 2 < 32 ? in[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < 32 ? b64[v & 63] : '=';
	}
	out[o] = 0;
}

/* --- the page's fixed parts --------------------------------------------- */

/* Sorts a table by the clicked header: numbers by their data-v attribute,
 * text by its content; the "others" row stays last, empty cells sort
 * last.  It reads everything from the table itself: no data in script
 * context.  ASCII only, and no '<', so it can never end its element. */
static const char sort_script[] =
	"(function () {\n"
	"\t'use strict';\n"
	"\tfunction value(cell) {\n"
	"\t\tvar v = cell.getAttribute('data-v');\n"
	"\t\treturn v === null ? null : Number(v);\n"
	"\t}\n"
	"\tfunction compare(a, b, col, dir) {\n"
	"\t\tvar x = a.cells[col], y = b.cells[col], p = value(x), q = value(y), r;\n"
	"\t\tif (p === null && q === null) {\n"
	"\t\t\tvar empty = x.classList.contains('null') - y.classList.contains('null');\n"
	"\t\t\tr = empty || x.textContent.localeCompare(y.textContent);\n"
	"\t\t\tif (empty) return empty;\n"
	"\t\t} else if (p === null || q === null) {\n"
	"\t\t\treturn p === null ? 1 : -1;\n"
	"\t\t} else {\n"
	"\t\t\tr = p - q;\n"
	"\t\t}\n"
	"\t\treturn r ? dir * r : a.ffIndex - b.ffIndex;\n"
	"\t}\n"
	"\tfunction sortBy(table, col) {\n"
	"\t\tvar heads = table.tHead.rows[0].cells, th = heads[col];\n"
	"\t\tvar now = th.getAttribute('aria-sort'), dir;\n"
	"\t\tif (now === 'descending') dir = 1;\n"
	"\t\telse if (now === 'ascending') dir = -1;\n"
	"\t\telse dir = th.classList.contains('num') ? -1 : 1;\n"
	"\t\tfor (var i = 0; i !== heads.length; i++) heads[i].removeAttribute('aria-sort');\n"
	"\t\tth.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');\n"
	"\t\tvar body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);\n"
	"\t\tvar others = rows.filter(function (r) { return r.classList.contains('others'); });\n"
	"\t\trows = rows.filter(function (r) { return !r.classList.contains('others'); });\n"
	"\t\trows.sort(function (a, b) { return compare(a, b, col, dir); });\n"
	"\t\trows.concat(others).forEach(function (r) { body.appendChild(r); });\n"
	"\t}\n"
	"\tArray.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {\n"
	"\t\tArray.prototype.forEach.call(table.tBodies[0].rows, function (r, i) { r.ffIndex = i; });\n"
	"\t\tArray.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {\n"
	"\t\t\tvar b = document.createElement('button');\n"
	"\t\t\tb.type = 'button';\n"
	"\t\t\twhile (th.firstChild) b.appendChild(th.firstChild);\n"
	"\t\t\tth.appendChild(b);\n"
	"\t\t\tb.addEventListener('click', function () { sortBy(table, col); });\n"
	"\t\t});\n"
	"\t\ttable.classList.add('js');\n"
	"\t});\n"
	"})();\n";

/* One palette, two schemes; every colour of the charts comes from here so
 * they follow prefers-color-scheme too. */
static const char style_sheet[] =
	":root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1b2130;--muted:#5f6b7d;--faint:#8a94a6;"
	"--line:#e3e6eb;--grid:#edf0f3;--accent:#3b5bdb;--accent-soft:rgba(59,91,219,.10);--accent2:#0c9b8a;"
	"--others:#c3cad5;--track:#f0f2f5;--hover:rgba(59,91,219,.08);--row:#f8f9fb;--esc:#a44a0c;--esc-bg:#fdf0e4}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0e1117;--card:#161b24;--text:#e6e9ef;--muted:#9ba5b6;"
	"--faint:#707b8e;--line:#262d39;--grid:#202733;--accent:#7c9bff;--accent-soft:rgba(124,155,255,.14);"
	"--accent2:#3fcab5;--others:#4a5466;--track:#1e2430;--hover:rgba(124,155,255,.10);--row:#1a202a;"
	"--esc:#ffb27a;--esc-bg:#3a2616}}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 -apple-system,BlinkMacSystemFont,"
	"\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\",\"Liberation Sans\",system-ui,sans-serif;"
	"-webkit-font-smoothing:antialiased}\n"
	".wrap{max-width:1180px;margin:0 auto;padding:0 24px}\n"
	"header.top{padding:40px 0 4px}\n"
	".brand{display:flex;align-items:center;gap:8px;font-size:12px;font-weight:700;letter-spacing:.12em;"
	"text-transform:uppercase;color:var(--accent)}\n"
	".brand svg{width:18px;height:18px}\n"
	"h1{font-size:32px;line-height:1.15;margin:10px 0 6px;font-weight:700;letter-spacing:-.02em}\n"
	".period{margin:0;color:var(--muted);font-size:16px}\n"
	".notes{margin:20px 0 0;padding:12px 16px;list-style:none;background:var(--card);border:1px solid var(--line);"
	"border-left:3px solid var(--accent);border-radius:8px;color:var(--muted);font-size:13px}\n"
	".notes li+li{margin-top:4px}\n"
	"h2{font-size:12px;font-weight:700;letter-spacing:.1em;text-transform:uppercase;color:var(--faint);"
	"margin:40px 0 14px}\n"
	".cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:16px;margin-top:28px}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 20px;min-width:0}\n"
	".card .label{font-size:13px;font-weight:600;color:var(--muted)}\n"
	".card .value{font-size:30px;font-weight:700;letter-spacing:-.02em;line-height:1.2;margin-top:6px;"
	"font-variant-numeric:tabular-nums;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
	".card .sub{font-size:13px;color:var(--faint);margin-top:4px;white-space:nowrap;overflow:hidden;"
	"text-overflow:ellipsis}\n"
	".grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:20px;align-items:start}\n"
	".panel{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 24px 22px;min-width:0}\n"
	".panel.full{grid-column:1/-1}\n"
	".panel h3{margin:0;font-size:16px;font-weight:650;letter-spacing:-.005em}\n"
	".panel .note{margin:2px 0 0;font-size:13px;color:var(--faint)}\n"
	/* the retention cohorts: a heat table, shade by tenths of the share */
	".heat.h1{background:rgba(59,130,246,.1)}\n"
	".heat.h2{background:rgba(59,130,246,.2)}\n"
	".heat.h3{background:rgba(59,130,246,.3)}\n"
	".heat.h4{background:rgba(59,130,246,.4)}\n"
	".heat.h5{background:rgba(59,130,246,.5)}\n"
	".heat.h6{background:rgba(59,130,246,.6);color:#fff}\n"
	".heat.h7{background:rgba(59,130,246,.7);color:#fff}\n"
	".heat.h8{background:rgba(59,130,246,.8);color:#fff}\n"
	".heat.h9{background:rgba(59,130,246,.9);color:#fff}\n"
	".heat.h10{background:rgba(59,130,246,.99);color:#fff}\n"
	".legend{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0 0;font-size:13px;color:var(--muted)}\n"
	".legend span::before{content:\"\";display:inline-block;width:10px;height:10px;border-radius:3px;"
	"margin-right:6px;vertical-align:-1px;background:var(--accent)}\n"
	".legend .s2::before{background:var(--accent2)}\n"
	"figure{margin:0}\n"
	".plot{position:relative;height:220px;margin:20px 4px 30px 48px}\n"
	".plot.short{height:180px}\n"
	".plot svg{position:absolute;left:0;top:0;width:100%;height:100%;overflow:visible}\n"
	".yl,.xl{position:absolute;font-size:12px;color:var(--faint);font-variant-numeric:tabular-nums;"
	"white-space:nowrap;line-height:1}\n"
	".yl{right:100%;margin-right:10px;transform:translateY(-50%)}\n"
	".xl{top:100%;margin-top:10px;transform:translateX(-50%)}\n"
	".gl{stroke:var(--grid);stroke-width:1;vector-effect:non-scaling-stroke}\n"
	".base{stroke:var(--line);stroke-width:1;vector-effect:non-scaling-stroke}\n"
	".ln{fill:none;stroke:var(--accent);stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round;"
	"vector-effect:non-scaling-stroke}\n"
	".ln.s2{stroke:var(--accent2)}\n"
	".dots{fill:none;stroke:var(--accent);stroke-width:6;stroke-linecap:round;vector-effect:non-scaling-stroke}\n"
	".dots.s2{stroke:var(--accent2)}\n"
	".area{fill:var(--accent-soft)}\n"
	".bar{fill:var(--accent)}\n"
	".bar.others{fill:var(--others)}\n"
	".hit{fill:transparent}\n"
	".hit:hover{fill:var(--hover)}\n"
	"rect.bar:hover{opacity:.8}\n"
	".hbars{margin-top:16px}\n"
	".hb{display:grid;grid-template-columns:minmax(0,9.5rem) minmax(0,1fr) 6.5rem;gap:12px;align-items:center;"
	"padding:5px 0;font-size:14px}\n"
	".hb-l{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
	".hb svg{display:block;width:100%;height:12px;border-radius:3px;background:var(--track)}\n"
	".hb-v{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".hb-v small{display:inline-block;min-width:3.2em;margin-left:6px;color:var(--faint);font-size:12px}\n"
	".hb.others .hb-l{color:var(--faint);font-style:italic}\n"
	".toc{display:flex;flex-wrap:wrap;gap:8px;margin:-2px 0 18px}\n"
	".toc a{font-size:13px;color:var(--muted);text-decoration:none;background:var(--card);border:1px solid var(--line);"
	"border-radius:999px;padding:3px 12px}\n"
	".toc a:hover{color:var(--accent);border-color:var(--accent)}\n"
	".panel{scroll-margin-top:16px}\n"
	".scroll{overflow-x:auto;margin:14px -24px 0;padding:0 24px}\n"
	"table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:14px}\n"
	"th{font-size:12px;font-weight:600;color:var(--muted);text-align:left;padding:8px 7px;"
	"border-bottom:1px solid var(--line);vertical-align:bottom}\n"
	"td{padding:7px 7px;border-bottom:1px solid var(--grid);vertical-align:top}\n"
	"th:first-child,td:first-child{padding-left:0}\n"
	"th:last-child,td:last-child{padding-right:0}\n"
	"tbody tr:last-child td{border-bottom:0}\n"
	".num{text-align:right}\n"
	"td.num{white-space:nowrap}\n"
	"td.key{overflow-wrap:anywhere;min-width:5rem}\n"
	"td.null,dd.null{color:var(--faint)}\n"
	".facts{columns:3 15rem;column-gap:40px;margin:10px 0 0}\n"
	".facts div{display:flex;justify-content:space-between;gap:16px;padding:8px 0;border-bottom:1px solid var(--grid);"
	"break-inside:avoid;font-size:14px}\n"
	".facts dt{color:var(--muted)}\n"
	".facts dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}\n"
	"tr.others td{color:var(--muted);background:var(--row);border-top:1px dashed var(--line)}\n"
	"tr.others td.key{font-style:italic}\n"
	"tbody tr:not(.others):hover td{background:var(--hover)}\n"
	".empty{margin:14px 0 0;color:var(--faint);font-size:14px}\n"
	".esc{color:var(--esc);background:var(--esc-bg);border-radius:3px;padding:0 2px;"
	"font-family:ui-monospace,\"SFMono-Regular\",Menlo,Consolas,\"Liberation Mono\",monospace;font-size:.9em}\n"
	"table.js th button{all:unset;cursor:pointer;display:inline-flex;align-items:center;gap:4px}\n"
	"table.js th button:focus-visible{outline:2px solid var(--accent);outline-offset:2px;border-radius:2px}\n"
	"table.js th button::after{content:\"\\2195\";opacity:.35;font-size:11px}\n"
	"table.js th[aria-sort=descending] button::after{content:\"\\2193\";opacity:1;color:var(--accent)}\n"
	"table.js th[aria-sort=ascending] button::after{content:\"\\2191\";opacity:1;color:var(--accent)}\n"
	"h1{overflow-wrap:anywhere}\n"
	"h1 .sub{display:block;font-size:16px;font-weight:500;letter-spacing:0;color:var(--muted);margin-top:4px}\n"
	".meta{display:flex;flex-wrap:wrap;gap:4px 22px;margin:10px 0 0;font-size:13px;color:var(--faint)}\n"
	".meta div{display:flex;gap:6px;min-width:0}\n"
	".meta dt{font-weight:600}\n"
	".meta dd{margin:0;color:var(--muted);overflow-wrap:anywhere}\n"
	".card.conv .value{color:var(--accent2)}\n"
	".partial{fill:var(--track)}\n"
	".legend .pl::before{background:var(--track);border:1px dashed var(--faint)}\n"
	".fname{margin:18px 0 0;font-size:14px;font-weight:600}\n"
	".funnel{margin-top:8px}\n"
	".drop{font-size:12px;color:var(--esc);padding:0 0 2px calc(9.5rem + 12px)}\n"
	".panel .note.verdict{color:var(--text);background:var(--accent-soft);border-radius:8px;padding:8px 12px;margin-top:10px}\n"
	"table.slash td.key{overflow-wrap:break-word}\n"
	"footer{margin:48px 0 40px;padding-top:16px;border-top:1px solid var(--line);color:var(--faint);font-size:13px}\n"
	"footer ul{margin:6px 0 0;padding-left:18px}\n"
	".err{color:var(--esc)}\n"
	"@media (max-width:900px){.grid{grid-template-columns:minmax(0,1fr)}"
	".cards{grid-template-columns:repeat(2,minmax(0,1fr))}}\n"
	/* tables as stacked rows where their columns cannot all fit: each
	 * row a block, each cell its column's name and value */
	"@media (max-width:900px){table.wide,table.wide tbody,table.wide tr,table.wide td{display:block;width:100%}"
	"table.wide thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}"
	"table.wide tr{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));column-gap:20px;padding:8px 0;border-bottom:1px solid var(--line)}"
	"table.wide td{display:flex;justify-content:space-between;gap:8px;padding:2px 0;border:0;text-align:right;min-width:0;"
	"white-space:normal}"
	"table.wide td::before{content:attr(data-label);color:var(--muted);font-size:12px;text-align:left;min-width:0}"
	"table.wide td.key{display:block;grid-column:1/-1;text-align:left;font-weight:600;min-width:0}table.wide td.key::before{content:none}}\n"
	"@media (max-width:640px){table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}"
	"table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}"
	"table.stack tr{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));column-gap:20px;padding:8px 0;border-bottom:1px solid var(--line)}"
	"table.stack td{display:flex;justify-content:space-between;gap:8px;padding:2px 0;border:0;text-align:right;min-width:0;"
	"white-space:normal}"
	"table.stack td::before{content:attr(data-label);color:var(--muted);font-size:12px;text-align:left;min-width:0}"
	"table.stack td.key{display:block;grid-column:1/-1;text-align:left;font-weight:600;min-width:0}table.stack td.key::before{content:none}"
	"table{font-size:13px}.drop{padding-left:calc(6.5rem + 8px)}}\n"
	"@media (max-width:640px){.wrap{padding:0 16px}header.top{padding-top:28px}h1{font-size:26px}"
	".cards{gap:10px;margin-top:20px}.card{padding:14px 16px}.card .value{font-size:24px}"
	".panel{padding:16px 16px 18px}.scroll{margin:12px -16px 0;padding:0 16px}.grid{gap:14px}"
	".plot{height:180px;margin-left:40px}.plot.short{height:150px}.xl.minor{display:none}"
	".hb{grid-template-columns:minmax(0,6.5rem) minmax(0,1fr) 5.8rem;gap:8px;font-size:13px}h2{margin-top:32px}}\n"
	"@media print{body{background:#fff}.panel,.card{break-inside:avoid}}\n";

/* The brand mark: three footsteps as plain shapes, no external anything. */
static const char brand_mark[] =
	"<svg viewBox=\"0 0 24 24\" aria-hidden=\"true\"><g fill=\"currentColor\">"
	"<rect x=\"3\" y=\"13\" width=\"4\" height=\"8\" rx=\"2\"/><rect x=\"10\" y=\"8\" width=\"4\" height=\"13\" rx=\"2\"/>"
	"<rect x=\"17\" y=\"3\" width=\"4\" height=\"18\" rx=\"2\"/></g></svg>";

/* --- writing ------------------------------------------------------------ */

struct period;

struct page {
	FILE *f;
	bool seps;
	const struct period *pd;
	bool wbr; /* put_text breaks after each '/' (campaign keys) */
};

static void put(struct page *p, const char *s)
{
	fputs(s, p->f);
}

static void putf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}



/* Source bytes of one shown character at b: a whole UTF-8 sequence, or
 * one byte for ASCII and for what is shown escaped (bytes that are not
 * UTF-8, hidden code points: these go byte by byte). */
static size_t char_len(const unsigned char *b, size_t n)
{
	if (b[0] < 0x80)
		return 1;
	size_t len = ff_utf8_seq_len(b, n);
	return len == 0 || ff_utf8_hidden(ff_utf8_decode(b, len)) ? 1 : len;
}

/* Where escaped log text goes: element content sets the escapes apart
 * with a styled span; attribute values hold plain text. */
enum ctx { IN_TEXT, IN_ATTR };

/* s as HTML, at most max characters then "…".  & < > " ' become entities;
 * control bytes, backslash, bytes that are not UTF-8 and hidden code
 * points use the notation of ff_visible() (\t \n \r \\ \xHH), so the page
 * is valid UTF-8 and shows every byte the log held. */
static void put_text(struct page *p, ff_sv s, size_t max, enum ctx ctx)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = (const unsigned char *)s.p;
	bool in_esc = false;
	size_t units = 0;

	for (size_t i = 0; i < s.n;) {
		unsigned char c = b[i];
		char esc[5] = { 0 };
		size_t step = 1, len = 0;

		if (units == max) {
			if (in_esc)
				put(p, "</span>");
			put(p, "\xe2\x80\xa6");
			return;
		}
		units++;
		if (c < 0x20 || c == 0x7f || c == '\\') {
			esc[0] = '\\';
			esc[1] = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 'x';
			if (esc[1] == 'x')
				esc[2] = hex[c >> 4], esc[3] = hex[c & 15];
		} else if (c >= 0x80) {
			step = len = char_len(b + i, s.n - i);
			if (len == 1) {
				esc[0] = '\\', esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15];
				len = 0;
			}
		}
		if (esc[0] && ctx == IN_TEXT && !in_esc)
			put(p, "<span class=\"esc\">"), in_esc = true;
		else if (!esc[0] && in_esc)
			put(p, "</span>"), in_esc = false;
		if (esc[0])
			put(p, esc);
		else if (len)
			fwrite(b + i, 1, len, p->f);
		else if (c == '&')
			put(p, "&amp;");
		else if (c == '<')
			put(p, "&lt;");
		else if (c == '>')
			put(p, "&gt;");
		else if (c == '"')
			put(p, "&quot;");
		else if (c == '\'')
			put(p, "&#39;");
		else
			putc(c, p->f);
		if (c == '/' && p->wbr && ctx == IN_TEXT)
			put(p, "<wbr>");
		i += step;
	}
	if (in_esc)
		put(p, "</span>");
}

/* Program text (titles, notes) goes through the same escaping: notes may
 * quote the log. */
static void put_cstr(struct page *p, const char *s, enum ctx ctx)
{
	put_text(p, ff_sv_cstr(s ? s : ""), SIZE_MAX, ctx);
}

/* --- numbers for people ------------------------------------------------- */



static void fmt_real(double d, int decimals, bool seps, char out[NUM_BUF])
{
	char tmp[NUM_BUF];
	if (!isfinite(d)) {
		snprintf(out, NUM_BUF, "\xe2\x80\x93");
		return;
	}
	if (fabs(d) >= 1e15) {
		snprintf(out, NUM_BUF, "%.3g", d);
		return;
	}
	snprintf(tmp, sizeof tmp, "%.*f", decimals, d);
	ff_group_digits(tmp, seps, out);
}

static void fmt_rate(double d, bool seps, char out[NUM_BUF])
{
	fmt_real(d * 100.0, 1, seps, out);
	if (isfinite(d) && fabs(d * 100.0) < 1e15)
		strcat(out, "%");
}

/* "45s", "3m 05s", "1h 02m", "2d 03h": two units are enough to compare
 * visit lengths at a glance. */
static void fmt_duration(double s, char out[NUM_BUF])
{
	if (!ff_fmt_duration(s, out))
		fmt_real(s, 0, false, out);
}

/* "512 B", "1.2 MiB": binary units, one decimal. */
static void fmt_bytes(uint64_t v, char out[NUM_BUF])
{
	ff_fmt_bytes(v, out);
}

/* Axis labels: exact below ten thousand, then "12k", "1.5M". */
static void fmt_axis(double v, bool seps, char out[NUM_BUF])
{
	static const char *const sfx[] = { "", "k", "M", "G", "T", "P" };
	size_t u = 0;
	if (v < 10000) {
		fmt_real(v, v == floor(v) ? 0 : 1, seps, out);
		return;
	}
	while (v >= 1000 && u + 1 < sizeof sfx / sizeof *sfx)
		v /= 1000, u++;
	if (v == floor(v))
		snprintf(out, NUM_BUF, "%.0f%s", v, sfx[u]);
	else
		snprintf(out, NUM_BUF, "%.1f%s", v, sfx[u]);
}

/* A non-text, non-null cell for display. */
static void fmt_cell(const ff_column *col, const ff_cell *c, bool seps, char out[NUM_BUF])
{
	switch (col->kind) {
	case FF_COL_INT:
		ff_fmt_u64(c->v.u, seps, out);
		return;
	case FF_COL_BYTES:
		fmt_bytes(c->v.u, out);
		return;
	case FF_COL_RATE:
		fmt_rate(c->v.d, seps, out);
		return;
	case FF_COL_REAL:
		if (col->show != FF_SHOW_PLAIN && ff_cell_show(col, c->v.d, out))
			return;
		fmt_real(c->v.d, 2, seps, out);
		return;
	case FF_COL_SECONDS:
		fmt_duration(c->v.d, out);
		return;
	case FF_COL_LATENCY:
		if (!ff_fmt_latency(c->v.d, out))
			fmt_real(c->v.d, 3, false, out);
		return;
	case FF_COL_BOOL:
		snprintf(out, NUM_BUF, "%s", c->v.b ? "yes" : "no");
		return;
	case FF_COL_TEXT:
		break;
	}
	out[0] = 0;
}

static bool is_numeric(const ff_column *col)
{
	return col->kind != FF_COL_TEXT && col->kind != FF_COL_BOOL;
}

static const char *col_title(const ff_column *col)
{
	return col->title ? col->title : col->name;
}

/* --- dates -------------------------------------------------------------- */

static const char *const month_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const weekday_abbr[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

struct date {
	int y;
	unsigned m, d;
	int64_t day; /* days since 1970-01-01 */
};

static void civil_from_days(int64_t z, struct date *dt)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	dt->d = doy - (153 * mp + 2) / 5 + 1;
	dt->m = mp < 10 ? mp + 3 : mp - 9;
	dt->y = (int)((int64_t)yoe + era * 400 + (dt->m <= 2));
	dt->day = z - 719468;
}

/* "YYYY-MM-DD" at the start of s (the rest, a time, is ignored). */
static bool parse_date(ff_sv s, struct date *dt)
{
	unsigned v[8];
	if (s.n < 10 || s.p[4] != '-' || s.p[7] != '-')
		return false;
	static const int pos[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	for (int i = 0; i < 8; i++) {
		char c = s.p[pos[i]];
		if (c < '0' || c > '9')
			return false;
		v[i] = (unsigned)(c - '0');
	}
	dt->y = (int)(v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]);
	dt->m = v[4] * 10 + v[5];
	dt->d = v[6] * 10 + v[7];
	if (dt->m < 1 || dt->m > 12 || dt->d < 1 || dt->d > 31)
		return false;
	dt->day = days_from_civil(dt->y, dt->m, dt->d);
	return true;
}

static unsigned weekday(int64_t day)
{
	return (unsigned)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

/* The period of the report, from the summary's first and last request. */
struct period {
	bool parsed;       /* both dates read: text and days are set */
	char text[64];     /* "16 Feb – 8 Mar 2026" */
	int64_t days;
	ff_sv first, last; /* raw, when not parsed (either may be empty) */
	int64_t first_day, last_day; /* when parsed: days since 1970 */
	/* the first hit came after the first minute of its day, the last
	 * before the last minute of its: days the period covers in part */
	bool first_partial, last_partial;
};

static const ff_cell *summary_cell(const ff_report *r, const char *name, const ff_column **col)
{
	const ff_table *s = &r->summary;
	if (!r->with_summary || s->n_rows == 0)
		return NULL;
	for (size_t c = 0; c < s->n_cols; c++) {
		if (strcmp(s->cols[c].name, name) == 0) {
			if (col)
				*col = &s->cols[c];
			return &ff_table_row(s, 0)[c];
		}
	}
	return NULL;
}

static ff_sv summary_text(const ff_report *r, const char *name)
{
	const ff_column *col;
	const ff_cell *c = summary_cell(r, name, &col);
	if (!c || c->null || col->kind != FF_COL_TEXT)
		return FF_SV_NULL;
	return c->v.s;
}

static void find_period(const ff_report *r, struct period *pd)
{
	struct date a, b;
	memset(pd, 0, sizeof *pd);
	pd->first = summary_text(r, "first_time");
	pd->last = summary_text(r, "last_time");
	if (!parse_date(pd->first, &a) || !parse_date(pd->last, &b) || b.day < a.day)
		return;
	pd->parsed = true;
	pd->days = b.day - a.day + 1;
	pd->first_day = a.day;
	pd->last_day = b.day;
	pd->first_partial = !(pd->first.n >= 16 && memcmp(pd->first.p + 10, "T00:00", 6) == 0);
	pd->last_partial = !(pd->last.n >= 16 && memcmp(pd->last.p + 10, "T23:59", 6) == 0);
	if (a.day == b.day)
		snprintf(pd->text, sizeof pd->text, "%u %s %d", a.d, month_abbr[a.m - 1], a.y);
	else if (a.y == b.y)
		snprintf(pd->text, sizeof pd->text, "%u %s \xe2\x80\x93 %u %s %d", a.d, month_abbr[a.m - 1], b.d,
			 month_abbr[b.m - 1], b.y);
	else
		snprintf(pd->text, sizeof pd->text, "%u %s %d \xe2\x80\x93 %u %s %d", a.d, month_abbr[a.m - 1], a.y, b.d,
			 month_abbr[b.m - 1], b.y);
}

static bool has_period(const struct period *pd)
{
	return pd->parsed || pd->first.n || pd->last.n;
}

static void put_period(struct page *p, const struct period *pd, enum ctx ctx)
{
	if (pd->parsed) {
		put(p, pd->text);
		return;
	}
	put_text(p, pd->first, LABEL_UNITS, ctx);
	put(p, " \xe2\x80\x93 ");
	put_text(p, pd->last, LABEL_UNITS, ctx);
}

/* --- head, header, cards ------------------------------------------------ */

static void head(struct page *p, const struct period *pd)
{
	unsigned char digest[32];
	char hash[45];
	sha256(sort_script, sizeof sort_script - 1, digest);
	base64_32(digest, hash);

	put(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	putf(p,
	     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	     "script-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">\n",
	     hash);
	put(p, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"color-scheme\" content=\"light dark\">\n"
	       "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<meta name=\"generator\" content=\"footfall\">\n"
	       "<title>footfall report");
	if (has_period(pd)) {
		put(p, " \xe2\x80\x94 ");
		put_period(p, pd, IN_ATTR);
	}
	put(p, "</title>\n<style>\n");
	put(p, style_sheet);
	put(p, "</style>\n</head>\n<body>\n<div class=\"wrap\">\n");
}

/* "2026-12-06 16:30 UTC": the generation time in UTC, the one moment
 * that is not the log's own clock. */
static bool fmt_generated(int64_t t, char out[NUM_BUF])
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t < 0 || !gmtime_r(&tt, &tm))
		return false;
	snprintf(out, NUM_BUF, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min);
	return true;
}

static void header(struct page *p, const ff_report *r, const struct period *pd)
{
	char gen[NUM_BUF];
	put(p, "<header class=\"top\">\n<div class=\"brand\">");
	put(p, brand_mark);
	put(p, "footfall</div>\n<h1>");
	if (r->site.n) {
		put_text(p, r->site, LABEL_UNITS, IN_TEXT);
		put(p, "<span class=\"sub\"> web traffic report</span>");
	} else {
		put(p, "Web traffic report");
	}
	put(p, "</h1>\n");
	if (has_period(pd)) {
		put(p, "<p class=\"period\">");
		put_period(p, pd, IN_TEXT);
		if (pd->parsed)
			putf(p, " \xc2\xb7 %" PRId64 " day%s", pd->days, pd->days == 1 ? "" : "s");
		put(p, "</p>\n");
	}
	put(p, "<dl class=\"meta\">");
	if (pd->first.n || pd->last.n) {
		put(p, "<div><dt>First hit</dt><dd>");
		put_text(p, pd->first.n ? pd->first : ff_sv_cstr("\xe2\x80\x93"), LABEL_UNITS, IN_TEXT);
		put(p, "</dd></div><div><dt>Last hit</dt><dd>");
		put_text(p, pd->last.n ? pd->last : ff_sv_cstr("\xe2\x80\x93"), LABEL_UNITS, IN_TEXT);
		put(p, "</dd></div>");
	}
	if (fmt_generated(r->generated, gen))
		putf(p, "<div><dt>Generated</dt><dd>%s</dd></div>", gen);
	if (r->version) {
		put(p, "<div><dt>footfall</dt><dd>");
		put_cstr(p, r->version, IN_TEXT);
		put(p, "</dd></div>");
	}
	put(p, "</dl>\n");
	if (r->n_notes) {
		put(p, "<ul class=\"notes\">\n");
		for (size_t i = 0; i < r->n_notes; i++) {
			put(p, "<li>");
			put_cstr(p, r->notes[i], IN_TEXT);
			put(p, "</li>\n");
		}
		put(p, "</ul>\n");
	}
	put(p, "</header>\n");
}


/* A summary figure formatted for a card: false when the summary lacks it,
 * "–" when it is empty. */
static bool summary_figure(struct page *p, const ff_report *r, const char *name, char out[NUM_BUF])
{
	const ff_column *col;
	const ff_cell *c = summary_cell(r, name, &col);
	if (!c)
		return false;
	if (c->null || col->kind == FF_COL_TEXT)
		snprintf(out, NUM_BUF, "\xe2\x80\x93");
	else
		fmt_cell(col, c, p->seps, out);
	return true;
}

static double summary_number(const ff_report *r, const char *name)
{
	const ff_column *col;
	const ff_cell *c = summary_cell(r, name, &col);
	return c ? ff_cell_magnitude(col, c) : 0;
}

/* label, value and sub are program text: numbers we formatted. */
static void card(struct page *p, const char *label, const char *value, const char *sub)
{
	putf(p, "<div class=\"card\"><div class=\"label\">%s</div><div class=\"value\">%s</div>", label, value);
	if (sub && sub[0])
		putf(p, "<div class=\"sub\">%s</div>", sub);
	put(p, "</div>\n");
}

/* A card for a summary figure, with a line under it built from another
 * one (sub_name) between two words; no card when the summary lacks it. */
static void figure_card(struct page *p, const ff_report *r, const char *label, const char *name, const char *before,
			const char *sub_name, const char *after)
{
	char v[NUM_BUF], s[NUM_BUF], sub[3 * NUM_BUF] = "";
	if (!summary_figure(p, r, name, v))
		return;
	if (sub_name && summary_figure(p, r, sub_name, s))
		snprintf(sub, sizeof sub, "%s%s%s", before, s, after);
	card(p, label, v, sub);
}

static void cards(struct page *p, const ff_report *r, const struct period *pd)
{
	char v[NUM_BUF], s[NUM_BUF], sub[2 * NUM_BUF];
	const ff_column *col;
	const ff_cell *c;

	if (!r->with_summary || r->summary.n_rows == 0)
		return;
	put(p, "<section class=\"cards\" aria-label=\"Key figures\">\n");
	figure_card(p, r, "Visits", "visits", "", "returning_visits", " returning");
	if (summary_figure(p, r, "unique_visitors", v)) {
		double u = summary_number(r, "unique_visitors"), n = summary_number(r, "visits");
		sub[0] = 0;
		if (u > 0 && summary_cell(r, "visits", NULL)) {
			fmt_real(n / u, 2, p->seps, s);
			snprintf(sub, sizeof sub, "%s visits each", s);
		}
		card(p, "Unique visitors", v, sub);
	}
	figure_card(p, r, "Pageviews", "pageviews", "", "pages_per_visit", " per visit");
	if (r->has_goals) {
		/* the page's question, beside the headline figures */
		double n = summary_number(r, "visits");
		ff_fmt_u64(r->converted, p->seps, v);
		fmt_rate(n > 0 ? (double)r->converted / n : 0, p->seps, s);
		snprintf(sub, sizeof sub, "%s of visits", s);
		put(p, "<div class=\"card conv\"><div class=\"label\">Conversions</div>");
		putf(p, "<div class=\"value\">%s</div><div class=\"sub\">%s</div></div>\n", v, sub);
	}
	figure_card(p, r, "Bounce rate", "bounce_rate", "", "bounces", " bounced visits");
	figure_card(p, r, "Mean visit duration", "duration_mean", "median ", "duration_median", "");
	figure_card(p, r, "Hits", "hits", "", "bot_hits", " from bots");
	c = summary_cell(r, "bytes", &col);
	if (c) {
		sub[0] = 0;
		if (c->null) {
			snprintf(v, sizeof v, "\xe2\x80\x93");
		} else {
			fmt_bytes(c->v.u, v);
			ff_fmt_u64(c->v.u, p->seps, s);
			snprintf(sub, sizeof sub, "%s bytes", s);
		}
		card(p, "Data sent", v, sub);
	}
	/* with goals the conversions card takes the period's place: the
	 * header states the period anyway */
	if (r->has_goals) {
		put(p, "</section>\n");
		return;
	}
	put(p, "<div class=\"card\"><div class=\"label\">Period</div><div class=\"value\">");
	if (pd->parsed) {
		ff_fmt_u64((uint64_t)pd->days, p->seps, v);
		putf(p, "%s day%s", v, pd->days == 1 ? "" : "s");
	} else {
		put(p, "\xe2\x80\x93");
	}
	put(p, "</div><div class=\"sub\">");
	if (has_period(pd))
		put_period(p, pd, IN_TEXT);
	else
		put(p, "no requests");
	put(p, "</div></div>\n");
	put(p, "</section>\n");
}

/* --- charts -------------------------------------------------------------
 *
 * The geometry is SVG in a fixed viewBox stretched to its box
 * (preserveAspectRatio="none", strokes that do not scale); every label is
 * HTML placed over it in percent.  So a chart fills a phone or a desktop
 * column alike and its text stays at the page's size, never shrunk with
 * the drawing.  Log text appears only as element text and in <title>. */

static int col_index(const ff_table *t, const char *name)
{
	for (size_t c = 1; c < t->n_cols; c++)
		if (strcmp(t->cols[c].name, name) == 0)
			return (int)c;
	return -1;
}

/* The column a chart draws: the named one, else the first number. */
static int metric_col(const ff_table *t, const char *name)
{
	int c = col_index(t, name);
	if (c > 0 && is_numeric(&t->cols[c]))
		return c;
	for (size_t i = 1; i < t->n_cols; i++)
		if (is_numeric(&t->cols[i]))
			return (int)i;
	return -1;
}

/* Gridline spacing: 1, 2, 2.5 or 5 times a power of ten, whole numbers,
 * about want lines up to max. */
static double nice_step(double max, int want)
{
	double raw = max / want;
	if (!(raw > 1))
		return 1;
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	if (f <= 2.5 && f > 2 && mag >= 10)
		return 2.5 * mag; /* 25, 250...: still whole numbers */
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

struct scale {
	double top, step;
};

static struct scale y_scale(double max)
{
	struct scale s;
	s.step = nice_step(max, 4);
	s.top = ceil(max / s.step) * s.step;
	if (!(s.top > 0))
		s.top = s.step;
	return s;
}

static double y_of(const struct scale *s, double v)
{
	return PLOT_H - v / s->top * PLOT_H;
}

static void panel_open(struct page *p, bool full, const char *title, const char *note)
{
	putf(p, "<section class=\"panel%s\">\n<h3>%s</h3>\n", full ? " full" : "", title);
	if (note)
		putf(p, "<p class=\"note\">%s</p>\n", note);
}

/* The plot box with its y labels, and the SVG opened with its gridlines. */
static void plot_open(struct page *p, const struct scale *s, bool short_box, const char *label)
{
	char num[NUM_BUF];
	putf(p, "<figure>\n<div class=\"plot%s\" role=\"img\" aria-label=\"%s\">\n", short_box ? " short" : "", label);
	for (double v = 0; v <= s->top + s->step / 2; v += s->step) {
		fmt_axis(v, p->seps, num);
		putf(p, "<span class=\"yl\" style=\"top:%.2f%%\">%s</span>\n", y_of(s, v) / PLOT_H * 100, num);
	}
	putf(p, "<svg viewBox=\"0 0 %d %d\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">\n",
	     PLOT_W, PLOT_H);
	for (double v = s->step; v <= s->top + s->step / 2; v += s->step)
		putf(p, "<line class=\"gl\" x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", PLOT_W, y_of(s, v), y_of(s, v));
}

static void plot_close_svg(struct page *p)
{
	putf(p, "<line class=\"base\" x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n</svg>\n", PLOT_W, PLOT_H, PLOT_H);
}

/* An x label at x (viewBox units); minor ones are left out on a phone. */
static void x_label_open(struct page *p, double x, bool minor)
{
	putf(p, "<span class=\"xl%s\" style=\"left:%.2f%%\">", minor ? " minor" : "", x / PLOT_W * 100);
}

/* Daily pageviews and visits as two lines over the period.  Dates place
 * the points, so a day missing from the table (nothing happened) is drawn
 * as zero; keys that are not dates are drawn in table order. */
struct day {
	double pv, vis;
	bool dated;
	bool has; /* the table has a row for it */
	struct date dt;
	ff_sv key;
};

static struct day *collect_days(const ff_table *t, int pv, int vis, size_t *n_out)
{
	size_t rows = t->n_rows - (t->has_others ? 1 : 0), n = rows;
	struct date lo = { 0 }, hi = { 0 }, dt;
	bool dated = rows > 0;

	for (size_t r = 0; r < rows && dated; r++) {
		const ff_cell *c = ff_table_row(t, r);
		dated = t->cols[0].kind == FF_COL_TEXT && !c[0].null && parse_date(c[0].v.s, &dt);
		if (dated && (r == 0 || dt.day < lo.day))
			lo = dt;
		if (dated && (r == 0 || dt.day > hi.day))
			hi = dt;
	}
	if (dated && hi.day - lo.day >= MAX_SPAN_DAYS)
		dated = false;
	if (dated)
		n = (size_t)(hi.day - lo.day + 1);
	struct day *d = n ? calloc(n, sizeof *d) : NULL;
	if (!d)
		return NULL;
	if (dated)
		for (size_t i = 0; i < n; i++)
			d[i].dated = true, civil_from_days(lo.day + (int64_t)i, &d[i].dt);
	for (size_t r = 0; r < rows; r++) {
		const ff_cell *c = ff_table_row(t, r);
		size_t i = r;
		if (dated) {
			parse_date(c[0].v.s, &dt);
			i = (size_t)(dt.day - lo.day);
		} else {
			d[i].key = c[0].null ? FF_SV_NULL : c[0].v.s;
		}
		d[i].has = true;
		d[i].pv += pv > 0 ? ff_cell_magnitude(&t->cols[pv], &c[pv]) : 0;
		d[i].vis += vis > 0 ? ff_cell_magnitude(&t->cols[vis], &c[vis]) : 0;
	}
	*n_out = n;
	return d;
}

static void put_day_label(struct page *p, const struct day *d, bool full)
{
	if (!d->dated) {
		put_text(p, d->key, full ? LABEL_UNITS : 12, full ? IN_ATTR : IN_TEXT);
		return;
	}
	if (full)
		putf(p, "%s %u %s %d", weekday_abbr[weekday(d->dt.day)], d->dt.d, month_abbr[d->dt.m - 1], d->dt.y);
	else
		putf(p, "%u %s", d->dt.d, month_abbr[d->dt.m - 1]);
}

static void path_line(struct page *p, const struct day *d, size_t n, const struct scale *s, bool visits)
{
	for (size_t i = 0; i < n; i++) {
		double x = n == 1 ? PLOT_W / 2.0 : (double)i * PLOT_W / (double)(n - 1);
		putf(p, "%c%.1f %.1f", i ? 'L' : 'M', x, y_of(s, visits ? d[i].vis : d[i].pv));
	}
}

/* Ticks on the x axis: every day, two days, week (on Mondays) or more,
 * at most 12 on a desktop; a phone keeps every k-th so at most 5 stay. */
static void day_ticks(struct page *p, const struct day *d, size_t n)
{
	size_t step = 1, first = 0;
	static const size_t steps[] = { 1, 2, 7, 14, 28, 56, 91, 182, 364, 728 };
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		step = steps[i];
		if ((n + step - 1) / step <= 12)
			break;
	}
	if (n > 12 * steps[9])
		step = (n + 11) / 12;
	if (step >= 7 && d[0].dated)
		while (first < n && first < 7 && weekday(d[first].dt.day) != 1)
			first++;
	size_t count = first < n ? (n - first + step - 1) / step : 0;
	size_t keep = (count + 4) / 5; /* on a phone, every keep-th tick */
	for (size_t i = first, k = 0; i < n; i += step, k++) {
		double x = n == 1 ? PLOT_W / 2.0 : (double)i * PLOT_W / (double)(n - 1);
		x_label_open(p, x, k % (keep ? keep : 1) != 0);
		put_day_label(p, &d[i], false);
		put(p, "</span>\n");
	}
}

/* Whether day i is the period's first or last and only partly covered. */
static bool partial_day(const struct page *p, const struct day *d)
{
	const struct period *pd = p->pd;
	if (!pd || !pd->parsed || !d->dated)
		return false;
	return (d->dt.day == pd->first_day && pd->first_partial) || (d->dt.day == pd->last_day && pd->last_partial);
}

static bool any_partial(const struct page *p, const struct day *d, size_t n)
{
	return n > 1 && (partial_day(p, &d[0]) || partial_day(p, &d[n - 1]));
}

/* A shaded band behind a day the period covers in part, so its low
 * figure is not read as a slump. */
static void partial_bands(struct page *p, const struct day *d, size_t n)
{
	if (!any_partial(p, d, n))
		return;
	double w = (double)PLOT_W / (double)(n - 1);
	if (partial_day(p, &d[0]))
		putf(p, "<rect class=\"partial\" x=\"0\" y=\"0\" width=\"%.1f\" height=\"%d\"/>\n", w / 2, PLOT_H);
	if (partial_day(p, &d[n - 1]))
		putf(p, "<rect class=\"partial\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\"/>\n", PLOT_W - w / 2,
		     w / 2, PLOT_H);
}

static void partial_legend(struct page *p, const struct day *d, size_t n)
{
	if (any_partial(p, d, n))
		put(p, "<span class=\"pl\">partial day (the period starts or ends within it)</span>");
}

static void chart_days(struct page *p, const ff_table *t)
{
	char a[NUM_BUF], b[NUM_BUF];
	int pv = col_index(t, "pageviews"), vis = col_index(t, "visits");
	size_t n = 0;
	struct day *d;

	if ((pv < 0 && vis < 0) || !(d = collect_days(t, pv, vis, &n)))
		return;
	double max = 0;
	for (size_t i = 0; i < n; i++)
		max = fmax(max, fmax(d[i].pv, d[i].vis));
	struct scale s = y_scale(max);

	panel_open(p, true, pv > 0 && vis > 0 ? "Pageviews and visits per day" : pv > 0 ? "Pageviews per day" : "Visits per day",
		   NULL);
	put(p, "<div class=\"legend\">");
	if (pv > 0)
		put(p, "<span>Pageviews</span>");
	if (vis > 0)
		put(p, "<span class=\"s2\">Visits</span>");
	partial_legend(p, d, n);
	put(p, "</div>\n");
	plot_open(p, &s, false, "Line chart of pageviews and visits per day; the Days table below holds the figures");
	partial_bands(p, d, n);
	if (pv > 0) {
		put(p, "<path class=\"area\" d=\"");
		path_line(p, d, n, &s, false);
		putf(p, "L%.1f %dL%.1f %dZ\"/>\n", n == 1 ? PLOT_W / 2.0 : (double)PLOT_W, PLOT_H,
		     n == 1 ? PLOT_W / 2.0 : 0.0, PLOT_H);
	}
	for (int series = 0; series < 2; series++) {
		bool visits = series == 1;
		if ((visits ? vis : pv) <= 0)
			continue;
		putf(p, "<path class=\"ln%s\" d=\"", visits ? " s2" : "");
		path_line(p, d, n, &s, visits);
		put(p, "\"/>\n");
		if (n <= 62) {
			/* zero-length segments with round caps: dots that stay
			 * round however the drawing is stretched */
			putf(p, "<path class=\"dots%s\" d=\"", visits ? " s2" : "");
			for (size_t i = 0; i < n; i++) {
				double x = n == 1 ? PLOT_W / 2.0 : (double)i * PLOT_W / (double)(n - 1);
				putf(p, "M%.1f %.1fh0", x, y_of(&s, visits ? d[i].vis : d[i].pv));
			}
			put(p, "\"/>\n");
		}
	}
	/* one hover band per day, with the day's figures as a tooltip */
	for (size_t i = 0; i < n; i++) {
		double w = n == 1 ? PLOT_W : (double)PLOT_W / (double)(n - 1);
		double x = n == 1 ? 0 : (double)i * w - w / 2;
		double x0 = fmax(x, 0), x1 = fmin(x + w, PLOT_W);
		putf(p, "<rect class=\"hit\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\"><title>", x0, x1 - x0, PLOT_H);
		put_day_label(p, &d[i], true);
		ff_fmt_u64((uint64_t)d[i].pv, p->seps, a);
		ff_fmt_u64((uint64_t)d[i].vis, p->seps, b);
		if (pv > 0)
			putf(p, ": %s pageview%s", a, d[i].pv == 1 ? "" : "s");
		if (vis > 0)
			putf(p, "%s %s visit%s", pv > 0 ? "," : ":", b, d[i].vis == 1 ? "" : "s");
		if (n > 1 && partial_day(p, &d[i]))
			put(p, " (partial day)");
		put(p, "</title></rect>\n");
	}
	plot_close_svg(p);
	day_ticks(p, d, n);
	put(p, "</div>\n</figure>\n</section>\n");
	free(d);
}

/* Two series per day, or per hour of a one-day report, as lines: errors
 * (4xx and 5xx hits) and response times (median and 95th percentile, in
 * seconds, drawn in milliseconds).  A day the table lacks breaks a
 * response-time line instead of dropping it to zero: nothing was timed
 * there. */
struct pair_chart {
	const char *title, *name1, *name2, *aria;
	bool latency;
};

static void fmt_series(const struct pair_chart *pc, double v, bool seps, char out[NUM_BUF])
{
	if (!pc->latency)
		ff_fmt_u64((uint64_t)v, seps, out);
	else if (!ff_fmt_latency(v, out))
		fmt_real(v, 3, false, out);
}

static void pair_path(struct page *p, const struct day *d, size_t n, const struct scale *s, bool second, double k,
		      bool gaps, bool dots)
{
	bool pen = false;
	for (size_t i = 0; i < n; i++) {
		if (gaps && !d[i].has) {
			pen = false;
			continue;
		}
		double x = n == 1 ? PLOT_W / 2.0 : (double)i * PLOT_W / (double)(n - 1);
		double y = y_of(s, (second ? d[i].vis : d[i].pv) * k);
		if (dots)
			putf(p, "M%.1f %.1fh0", x, y);
		else
			putf(p, "%c%.1f %.1f", pen ? 'L' : 'M', x, y);
		pen = true;
	}
}

static void chart_pair(struct page *p, const ff_table *t, int c1, int c2, const struct pair_chart *pc)
{
	char a[NUM_BUF], b[NUM_BUF];
	size_t n = 0;
	struct day *d = collect_days(t, c1, c2, &n);
	if (!d)
		return;
	double k = pc->latency ? 1000.0 : 1.0, max = 0;
	for (size_t i = 0; i < n; i++)
		max = fmax(max, fmax(d[i].pv, d[i].vis) * k);
	struct scale s = y_scale(max);
	panel_open(p, true, pc->title, NULL);
	putf(p, "<div class=\"legend\"><span>%s</span><span class=\"s2\">%s</span>", pc->name1, pc->name2);
	partial_legend(p, d, n);
	put(p, "</div>\n");
	plot_open(p, &s, true, pc->aria);
	partial_bands(p, d, n);
	for (int series = 0; series < 2; series++) {
		putf(p, "<path class=\"ln%s\" d=\"", series ? " s2" : "");
		pair_path(p, d, n, &s, series == 1, k, pc->latency, false);
		put(p, "\"/>\n");
		if (n <= 62) {
			putf(p, "<path class=\"dots%s\" d=\"", series ? " s2" : "");
			pair_path(p, d, n, &s, series == 1, k, pc->latency, true);
			put(p, "\"/>\n");
		}
	}
	for (size_t i = 0; i < n; i++) {
		double w = n == 1 ? PLOT_W : (double)PLOT_W / (double)(n - 1);
		double x = n == 1 ? 0 : (double)i * w - w / 2;
		double x0 = fmax(x, 0), x1 = fmin(x + w, PLOT_W);
		putf(p, "<rect class=\"hit\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\"><title>", x0, x1 - x0, PLOT_H);
		put_day_label(p, &d[i], true);
		if (pc->latency && !d[i].has) {
			put(p, ": no timed requests</title></rect>\n");
			continue;
		}
		fmt_series(pc, d[i].pv, p->seps, a);
		fmt_series(pc, d[i].vis, p->seps, b);
		putf(p, ": %s %s, %s %s</title></rect>\n", pc->name1, a, pc->name2, b);
	}
	plot_close_svg(p);
	day_ticks(p, d, n);
	put(p, "</div>\n</figure>\n</section>\n");
	free(d);
}

static void chart_times(struct page *p, const ff_report *r)
{
	const ff_table *t = &r->response_trend;
	bool hours = t->n_rows > 0 && !ff_table_row(t, 0)[0].null && t->n_cols > 0 &&
		     ff_table_row(t, 0)[0].v.s.n == 5 && ff_table_row(t, 0)[0].v.s.p[2] == ':';
	struct pair_chart pc = {
		.title = hours ? "Response time per hour (ms)" : "Response time per day (ms)",
		.name1 = "median (p50)", .name2 = "95th percentile (p95)",
		.aria = "Line chart of the median and 95th percentile response times; the Response times table below "
			"holds the figures by path",
		.latency = true,
	};
	chart_pair(p, t, col_index(t, "p50"), col_index(t, "p95"), &pc);
}

/* Vertical bars, one per slot: hours of the day, weekdays. */
struct slot {
	double v;
	char label[NUM_BUF]; /* program text, or empty: then key */
	ff_sv key;
	bool labelled, minor;
};

static void chart_vbars(struct page *p, bool full, const char *title, const char *what, const struct slot *sl, size_t n,
			const char *aria)
{
	char num[NUM_BUF];
	double max = 0, w = (double)PLOT_W / (double)n;
	for (size_t i = 0; i < n; i++)
		max = fmax(max, sl[i].v);
	struct scale s = y_scale(max);

	panel_open(p, full, title, NULL);
	plot_open(p, &s, true, aria);
	for (size_t i = 0; i < n; i++) {
		double h = sl[i].v / s.top * PLOT_H;
		putf(p, "<rect class=\"hit\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\"><title>", i * w, w, PLOT_H);
		if (sl[i].label[0])
			put(p, sl[i].label);
		else
			put_text(p, sl[i].key, LABEL_UNITS, IN_ATTR);
		if (sl[i].v == floor(sl[i].v))
			ff_fmt_u64((uint64_t)sl[i].v, p->seps, num);
		else
			fmt_real(sl[i].v, 1, p->seps, num);
		putf(p, ": %s %s</title></rect>\n", num, what);
		if (h > 0)
			putf(p, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", i * w + w * 0.16,
			     PLOT_H - h, w * 0.68, h);
		else
			continue;
		if (sl[i].label[0])
			put(p, sl[i].label);
		else
			put_text(p, sl[i].key, LABEL_UNITS, IN_ATTR);
		putf(p, ": %s %s</title></rect>\n", num, what);
	}
	plot_close_svg(p);
	for (size_t i = 0; i < n; i++) {
		if (!sl[i].labelled)
			continue;
		x_label_open(p, (i + 0.5) * w, sl[i].minor);
		if (sl[i].label[0])
			put(p, sl[i].label);
		else
			put_text(p, sl[i].key, 12, IN_TEXT);
		put(p, "</span>\n");
	}
	put(p, "</div>\n</figure>\n</section>\n");
}

/* A column title as a word inside a sentence: "visits". */
static void lower_title(const ff_column *col, char out[48])
{
	snprintf(out, 48, "%s", col_title(col));
	for (char *q = out; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
}

static void chart_hours(struct page *p, const ff_table *t, bool full)
{
	struct slot sl[24];
	int m = metric_col(t, "visits");
	memset(sl, 0, sizeof sl);
	for (unsigned h = 0; h < 24; h++) {
		snprintf(sl[h].label, sizeof sl[h].label, "%u", h);
		sl[h].labelled = h % 2 == 0;
		sl[h].minor = h % 6 != 0;
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		const ff_cell *c = ff_table_row(t, r);
		if (t->cols[0].kind != FF_COL_INT || c[0].null || c[0].v.u > 23)
			continue;
		sl[c[0].v.u].v += ff_cell_magnitude(&t->cols[m], &c[m]);
	}
	char title[80], what[48];
	snprintf(title, sizeof title, "%s by hour of day", col_title(&t->cols[m]));
	lower_title(&t->cols[m], what);
	chart_vbars(p, full, title, what, sl, 24, "Bar chart by hour of day; the Hours table below holds the figures");
}

static void chart_weekdays(struct page *p, const ff_table *t, bool full)
{
	int m = metric_col(t, "visits");
	size_t n = t->n_rows - (t->has_others ? 1 : 0);
	struct slot *sl = calloc(n, sizeof *sl);
	if (!sl)
		return;
	for (size_t r = 0; r < n; r++) {
		const ff_cell *c = ff_table_row(t, r);
		if (c[0].null)
			snprintf(sl[r].label, sizeof sl[r].label, "-");
		else if (t->cols[0].kind == FF_COL_TEXT)
			sl[r].key = c[0].v.s;
		else
			fmt_cell(&t->cols[0], &c[0], false, sl[r].label);
		sl[r].v = ff_cell_magnitude(&t->cols[m], &c[m]);
		sl[r].labelled = true;
	}
	/* A period of whole weeks holds each weekday as often: totals
	 * compare.  Otherwise a weekday met three times would outweigh one
	 * met twice, so each is divided by the days it had in the period. */
	const struct period *pd = p->pd;
	bool average = pd && pd->parsed && pd->days % 7 != 0;
	for (size_t r = 0; average && r < n; r++) {
		unsigned w = 7;
		for (unsigned k = 0; k < 7 && t->cols[0].kind == FF_COL_TEXT && sl[r].key.n == 3; k++)
			if (memcmp(sl[r].key.p, weekday_abbr[k], 3) == 0)
				w = k;
		if (w == 7) {
			average = false; /* keys that are not weekdays: totals as they are */
			break;
		}
	}
	if (average) {
		for (size_t r = 0; r < n; r++) {
			unsigned w = 0;
			while (memcmp(sl[r].key.p, weekday_abbr[w], 3) != 0)
				w++;
			int64_t count = pd->days / 7;
			/* the days past the whole weeks start on the first day's weekday */
			for (int64_t k = 0; k < pd->days % 7; k++)
				count += weekday(pd->first_day + k) == w;
			sl[r].v = count ? sl[r].v / (double)count : 0;
		}
	}
	char title[120], what[64];
	lower_title(&t->cols[m], what);
	if (average) {
		snprintf(title, sizeof title, "%s per day by weekday (average: the period is not whole weeks)",
			 col_title(&t->cols[m]));
		strcat(what, " a day on average");
	} else {
		snprintf(title, sizeof title, "%s by weekday", col_title(&t->cols[m]));
	}
	chart_vbars(p, full, title, what, sl, n, "Bar chart by weekday; the Weekdays table below holds the figures");
	free(sl);
}

/* Horizontal bars for ranked shares: sources, browsers, devices. */
static void chart_hbars(struct page *p, const ff_table *t, bool full)
{
	char num[NUM_BUF], share[NUM_BUF], title[96], what[48];
	int m = metric_col(t, "visits");
	double max = 0, total = 0;
	for (size_t r = 0; r < t->n_rows; r++) {
		double v = ff_cell_magnitude(&t->cols[m], &ff_table_row(t, r)[m]);
		max = fmax(max, v);
		total += v;
	}
	/* a funnel's bars share the visits of its first step, not the total */
	bool funnel = strcmp(t->name, "funnels") == 0;
	int step_col = funnel ? col_index(t, "step") : -1;
	double base = 0;
	snprintf(title, sizeof title, "%s", t->title ? t->title : t->name);
	panel_open(p, full, title, NULL);
	lower_title(&t->cols[m], what);
	if (funnel)
		putf(p, "<p class=\"note\">%s reaching each step; the share is of the first step</p>\n<div class=\"hbars\">\n", what);
	else
		putf(p, "<p class=\"note\">by %s</p>\n<div class=\"hbars\">\n", what);
	for (size_t r = 0; r < t->n_rows; r++) {
		const ff_cell *c = ff_table_row(t, r);
		bool others = t->has_others && r + 1 == t->n_rows;
		double v = ff_cell_magnitude(&t->cols[m], &c[m]);
		if (funnel && step_col > 0 && !c[step_col].null && c[step_col].v.u == 1)
			base = v;
		if (funnel)
			total = base;
		putf(p, "<div class=\"hb%s\"><span class=\"hb-l\"", others ? " others" : "");
		if (others) {
			put(p, ">(others)");
		} else if (c[0].null) {
			put(p, ">\xe2\x80\x93");
		} else if (t->cols[0].kind == FF_COL_TEXT) {
			put(p, " title=\"");
			put_text(p, c[0].v.s, TITLE_UNITS, IN_ATTR);
			put(p, "\">");
			put_text(p, c[0].v.s, LABEL_UNITS, IN_TEXT);
		} else {
			fmt_cell(&t->cols[0], &c[0], false, num);
			putf(p, ">%s", num);
		}
		putf(p, "</span><svg viewBox=\"0 0 %d 12\" preserveAspectRatio=\"none\" aria-hidden=\"true\" "
			"focusable=\"false\"><rect class=\"bar%s\" width=\"%.1f\" height=\"12\"/></svg>",
		     PLOT_W, others ? " others" : "", max > 0 ? v / max * PLOT_W : 0);
		ff_fmt_u64((uint64_t)v, p->seps, num);
		fmt_rate(total > 0 ? v / total : 0, p->seps, share);
		putf(p, "<span class=\"hb-v\">%s<small>%s</small></span></div>\n", num, share);
	}
	put(p, "</div>\n</section>\n");
}

enum chart_kind { CHART_HOURS, CHART_WEEKDAYS, CHART_HBARS };

static const struct {
	const char *table;
	enum chart_kind kind;
} half_charts[] = {
	{ "hours", CHART_HOURS },
	{ "weekdays", CHART_WEEKDAYS },
	{ "sources", CHART_HBARS },
	{ "browsers", CHART_HBARS },
	{ "devices", CHART_HBARS },
	{ "operating_systems", CHART_HBARS },
	{ "funnels", CHART_HBARS },
};

/* Whether column c of t holds anything above zero: a chart of nothing
 * says nothing. */
static bool has_value(const ff_table *t, int c)
{
	if (c <= 0)
		return false;
	for (size_t r = 0; r < t->n_rows; r++)
		if (ff_cell_magnitude(&t->cols[c], &ff_table_row(t, r)[c]) > 0)
			return true;
	return false;
}

/* A chart is drawn only for a table with a number above zero to draw. */
static bool chartable(const ff_table *t)
{
	return t && t->n_cols > 1 && has_value(t, metric_col(t, "visits"));
}

/* The errors chart: 4xx and 5xx hits per day, when there were any. */
static bool errors_chartable(const ff_table *days)
{
	return days && (has_value(days, col_index(days, "errors_4xx")) || has_value(days, col_index(days, "errors_5xx")));
}

/* The response-time chart, drawn with the response_times report. */
static bool times_chartable(const ff_report *r)
{
	return ff_report_find(r, "response_times") && r->response_trend.n_cols >= 4 && r->response_trend.n_rows > 0;
}

/* Sources and funnels are drawn in the marketing section; the hours
 * of a one-day report take the daily chart's place. */
static bool half_chart_shown(const ff_report *r, size_t i, bool one_day_hours)
{
	const char *name = half_charts[i].table;
	if (strcmp(name, "sources") == 0 || strcmp(name, "funnels") == 0)
		return false;
	/* one day: its hours are drawn across the page, and its weekday is
	 * a single bar */
	if (one_day_hours && (strcmp(name, "hours") == 0 || strcmp(name, "weekdays") == 0))
		return false;
	return chartable(ff_report_find(r, name));
}

static void charts(struct page *p, const ff_report *r)
{
	const ff_table *days = ff_report_find(r, "days");
	size_t n_half = 0, done = 0;
	bool any = days && (has_value(days, col_index(days, "pageviews")) || has_value(days, col_index(days, "visits")));
	bool errors = errors_chartable(days), times = times_chartable(r);

	/* one day drawn as a line is two dots: its hours tell more */
	const ff_table *hours = ff_report_find(r, "hours");
	bool one_day = p->pd && p->pd->parsed && p->pd->days == 1;
	bool one_day_hours = one_day && chartable(hours);
	for (size_t i = 0; i < sizeof half_charts / sizeof *half_charts; i++)
		n_half += half_chart_shown(r, i, one_day_hours);
	if (!any && !n_half && !(errors && !one_day) && !times && !one_day_hours)
		return;
	put(p, "<h2>Trends</h2>\n<div class=\"grid\">\n");
	if (any && !one_day)
		chart_days(p, days);
	else if (one_day_hours)
		chart_hours(p, hours, true);
	if (times)
		chart_times(p, r);
	if (errors && !one_day) {
		struct pair_chart pc = {
			.title = "Errors per day", .name1 = "4xx hits", .name2 = "5xx hits",
			.aria = "Line chart of the hits answered 4xx and 5xx per day; the Days table below holds the figures",
		};
		chart_pair(p, days, col_index(days, "errors_4xx"), col_index(days, "errors_5xx"), &pc);
	}
	for (size_t i = 0; i < sizeof half_charts / sizeof *half_charts; i++) {
		const ff_table *t = ff_report_find(r, half_charts[i].table);
		if (!half_chart_shown(r, i, one_day_hours))
			continue;
		/* an odd one out takes the whole row */
		bool full = ++done == n_half && n_half % 2 == 1;
		switch (half_charts[i].kind) {
		case CHART_HOURS:
			chart_hours(p, t, full);
			break;
		case CHART_WEEKDAYS:
			chart_weekdays(p, t, full);
			break;
		case CHART_HBARS:
			chart_hbars(p, t, full);
			break;
		}
	}
	put(p, "</div>\n");
}

/* --- tables ------------------------------------------------------------- */

/* Whether s has more than max characters as put_text() counts them. */
static bool longer_than(ff_sv s, size_t max)
{
	const unsigned char *b = (const unsigned char *)s.p;
	size_t units = 0;
	for (size_t i = 0; i < s.n; units++) {
		if (units == max)
			return true;
		i += char_len(b + i, s.n - i);
	}
	return false;
}

static void put_cell(struct page *p, const ff_table *t, size_t r, size_t c)
{
	char num[NUM_BUF], exact[NUM_BUF];
	const ff_column *col = &t->cols[c];
	const ff_cell *cell = &ff_table_row(t, r)[c];
	bool others = c == 0 && t->has_others && r + 1 == t->n_rows;
	const char *cls = c == 0 ? "key" : is_numeric(col) ? "num" : "text";
	static const char *const heat[] = { "num heat h0", "num heat h1", "num heat h2", "num heat h3",
					    "num heat h4", "num heat h5", "num heat h6", "num heat h7",
					    "num heat h8", "num heat h9", "num heat h10" };
	if (col->kind == FF_COL_RATE && !cell->null && strcmp(t->name, "retention") == 0 && cell->v.d >= 0 &&
	    cell->v.d <= 1)
		cls = heat[(int)(cell->v.d * 10 + 0.5)];

	if (others) {
		put(p, "<td class=\"key\">(others)</td>");
		return;
	}
	/* the column's title goes with each cell: a phone shows the rows
	 * stacked, every value under its name (CSS, no script) */
	put(p, "<td data-label=\"");
	put_cstr(p, col_title(col), IN_ATTR);
	put(p, "\"");
	if (cell->null) {
		putf(p, " class=\"%s null\">\xe2\x80\x93</td>", cls);
		return;
	}
	switch (col->kind) {
	case FF_COL_TEXT:
		putf(p, " class=\"%s\"", cls);
		if (longer_than(cell->v.s, CELL_UNITS)) {
			put(p, " title=\"");
			put_text(p, cell->v.s, TITLE_UNITS, IN_ATTR);
			put(p, "\"");
		}
		put(p, ">");
		put_text(p, cell->v.s, CELL_UNITS, IN_TEXT);
		put(p, "</td>");
		return;
	case FF_COL_BOOL:
		putf(p, " class=\"%s\">%s</td>", cls, cell->v.b ? "yes" : "no");
		return;
	case FF_COL_INT:
		/* keys are codes and hours, not quantities: no separators */
		ff_fmt_u64(cell->v.u, p->seps && c > 0, num);
		putf(p, " class=\"%s\" data-v=\"%" PRIu64 "\">%s</td>", cls, cell->v.u, num);
		return;
	case FF_COL_BYTES:
		fmt_bytes(cell->v.u, num);
		ff_fmt_u64(cell->v.u, p->seps, exact);
		putf(p, " class=\"%s\" data-v=\"%" PRIu64 "\" title=\"%s bytes\">%s</td>", cls, cell->v.u, exact, num);
		return;
	case FF_COL_RATE:
	case FF_COL_REAL:
	case FF_COL_SECONDS:
	case FF_COL_LATENCY:
		fmt_cell(col, cell, p->seps, num);
		if (isfinite(cell->v.d))
			putf(p, " class=\"%s\" data-v=\"%.17g\">%s</td>", cls, cell->v.d, num);
		else
			putf(p, " class=\"%s null\">%s</td>", cls, num);
		return;
	}
}

/* Tables with many columns take the page's whole width, and on a
 * narrow screen become stacked rows (CSS, .wide). */
enum { WIDE_COLS = 7, STACK_COLS = 4 };

static void table_panel(struct page *p, const ff_table *t, bool full)
{
	bool wide = t->n_cols >= WIDE_COLS;
	putf(p, "<section class=\"panel%s\" id=\"report-", full || wide ? " full" : "");
	put_cstr(p, t->name, IN_ATTR);
	put(p, "\">\n<h3>");
	put_cstr(p, t->title ? t->title : t->name, IN_TEXT);
	put(p, "</h3>\n");
	if (t->note) {
		/* the experiments' note is their verdict in words */
		put(p, strcmp(t->name, "experiments") == 0 ? "<p class=\"note verdict\">" : "<p class=\"note\">");
		put_cstr(p, t->note, IN_TEXT);
		put(p, "</p>\n");
	}
	if (t->n_rows == 0 || t->n_cols == 0) {
		put(p, "<p class=\"empty\">");
		put_cstr(p, t->empty ? t->empty : "No data for this period.", IN_TEXT);
		put(p, "</p>\n</section>\n");
		return;
	}
	putf(p, "<div class=\"scroll\"><table class=\"sortable%s%s%s\">\n<thead><tr>", t->n_cols >= STACK_COLS ? " stack" : "",
	     wide ? " wide" : "", p->wbr ? " slash" : "");
	for (size_t c = 0; c < t->n_cols; c++) {
		const ff_column *col = &t->cols[c];
		bool num = c > 0 && is_numeric(col); /* keys read left to right */
		putf(p, "<th scope=\"col\"%s%s>", num ? " class=\"num\"" : "",
		     t->ranked && (int)c == (t->sort_col > 0 ? t->sort_col : 1) ? " aria-sort=\"descending\"" : "");
		put_cstr(p, col_title(col), IN_TEXT);
		put(p, "</th>");
	}
	put(p, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->n_rows; r++) {
		bool others = t->has_others && r + 1 == t->n_rows;
		put(p, others ? "<tr class=\"others\">" : "<tr>");
		for (size_t c = 0; c < t->n_cols; c++)
			put_cell(p, t, r, c);
		put(p, "</tr>\n");
	}
	put(p, "</tbody>\n</table></div>\n</section>\n");
}

/* The whole summary as name and value, the cards' source in full: a list
 * that flows into as many columns as the width allows. */
static void summary_panel(struct page *p, const ff_table *t)
{
	char num[NUM_BUF], exact[NUM_BUF];
	put(p, "<section class=\"panel full\" id=\"report-summary\">\n<h3>");
	put_cstr(p, t->title ? t->title : "Summary", IN_TEXT);
	put(p, "</h3>\n<dl class=\"facts\">\n");
	const ff_cell *row = ff_table_row(t, 0);
	for (size_t c = 0; c < t->n_cols; c++) {
		const ff_column *col = &t->cols[c];
		put(p, "<div><dt>");
		put_cstr(p, col_title(col), IN_TEXT);
		put(p, "</dt>");
		if (row[c].null) {
			put(p, "<dd class=\"null\">\xe2\x80\x93</dd>");
		} else if (col->kind == FF_COL_TEXT) {
			put(p, "<dd>");
			put_text(p, row[c].v.s, CELL_UNITS, IN_TEXT);
			put(p, "</dd>");
		} else if (col->kind == FF_COL_BYTES) {
			fmt_bytes(row[c].v.u, num);
			ff_fmt_u64(row[c].v.u, p->seps, exact);
			putf(p, "<dd title=\"%s bytes\">%s</dd>", exact, num);
		} else {
			fmt_cell(col, &row[c], p->seps, num);
			putf(p, "<dd>%s</dd>", num);
		}
		put(p, "</div>\n");
	}
	put(p, "</dl>\n</section>\n");
}

/* Report names are the program's own (SPEC §12); a link is made only
 * from one that is plainly a fragment name. */
static bool is_anchor_name(const char *name)
{
	if (!name || !name[0])
		return false;
	for (const char *q = name; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'))
			return false;
	return true;
}

/* --- marketing ----------------------------------------------------------
 *
 * What a marketer opens the page for, near its top: where visits come
 * from and how they convert, the funnels as bars with their drop-off, the
 * experiments with their verdicts.  These tables move here from the
 * reports below; the funnels table stays there with its figures. */

static bool has_rows(const ff_table *t)
{
	return t && t->n_rows > 0 && t->n_cols > 0;
}

static bool in_marketing(const ff_table *t)
{
	return has_rows(t) && (strcmp(t->name, "sources") == 0 || strcmp(t->name, "campaigns") == 0 ||
			       strcmp(t->name, "experiments") == 0);
}

static void funnel_panel(struct page *p, const ff_table *t)
{
	char num[NUM_BUF], share[NUM_BUF], drop[NUM_BUF];
	int fn = col_index(t, "funnel"), step = col_index(t, "step"), pat = col_index(t, "pattern");
	int vis = col_index(t, "visits"), dropc = col_index(t, "drop_off");
	if (vis < 0)
		return;
	put(p, "<section class=\"panel full\" id=\"chart-funnels\">\n<h3>Funnels</h3>\n<p class=\"note\">visits "
	       "reaching each step, the bar and share against the first step; between the steps, the share of "
	       "visits lost</p>\n");
	size_t r = 0;
	while (r < t->n_rows) {
		/* one funnel: the rows that share its name, in step order */
		size_t end = r + 1;
		while (end < t->n_rows && fn > 0 && !ff_table_row(t, r)[fn].null && !ff_table_row(t, end)[fn].null &&
		       ff_sv_eq(ff_table_row(t, r)[fn].v.s, ff_table_row(t, end)[fn].v.s))
			end++;
		const ff_cell *first = ff_table_row(t, r);
		double base = ff_cell_magnitude(&t->cols[vis], &first[vis]), prev = base;
		if (t->has_others && r + 1 == t->n_rows)
			break;
		if (fn > 0 && !first[fn].null) {
			put(p, "<p class=\"fname\">");
			put_text(p, first[fn].v.s, LABEL_UNITS, IN_TEXT);
			put(p, "</p>\n");
		}
		put(p, "<div class=\"hbars funnel\">\n");
		for (size_t i = r; i < end; i++) {
			const ff_cell *c = ff_table_row(t, i);
			double v = ff_cell_magnitude(&t->cols[vis], &c[vis]);
			if (i > r) {
				double lost = prev > v ? prev - v : 0;
				if (dropc > 0 && !c[dropc].null)
					fmt_rate(c[dropc].v.d, p->seps, drop);
				else
					fmt_rate(prev > 0 ? lost / prev : 0, p->seps, drop);
				ff_fmt_u64((uint64_t)lost, p->seps, num);
				putf(p, "<div class=\"drop\">\xe2\x86\x93 %s dropped off (%s visit%s)</div>\n", drop, num,
				     lost == 1 ? "" : "s");
			}
			put(p, "<div class=\"hb\"><span class=\"hb-l\"");
			if (pat > 0 && !c[pat].null) {
				put(p, " title=\"");
				put_text(p, c[pat].v.s, TITLE_UNITS, IN_ATTR);
				put(p, "\">");
			} else {
				put(p, ">");
			}
			if (step > 0 && !c[step].null)
				putf(p, "%" PRIu64 ". ", c[step].v.u);
			if (pat > 0 && !c[pat].null)
				put_text(p, c[pat].v.s, LABEL_UNITS, IN_TEXT);
			else if (!c[0].null && t->cols[0].kind == FF_COL_TEXT)
				put_text(p, c[0].v.s, LABEL_UNITS, IN_TEXT);
			putf(p, "</span><svg viewBox=\"0 0 %d 12\" preserveAspectRatio=\"none\" aria-hidden=\"true\" "
				"focusable=\"false\"><rect class=\"bar\" width=\"%.1f\" height=\"12\"/></svg>",
			     PLOT_W, base > 0 ? fmin(v / base, 1) * PLOT_W : 0);
			ff_fmt_u64((uint64_t)v, p->seps, num);
			fmt_rate(base > 0 ? v / base : 0, p->seps, share);
			putf(p, "<span class=\"hb-v\">%s<small>%s</small></span></div>\n", num, share);
			prev = v;
		}
		put(p, "</div>\n");
		r = end;
	}
	put(p, "</section>\n");
}

static void marketing(struct page *p, const ff_report *r)
{
	const ff_table *src = ff_report_find(r, "sources"), *camp = ff_report_find(r, "campaigns");
	const ff_table *fun = ff_report_find(r, "funnels"), *exp = ff_report_find(r, "experiments");
	bool s = in_marketing(src), c = in_marketing(camp), e = in_marketing(exp);
	bool f = has_rows(fun) && col_index(fun, "visits") > 0;
	if (!s && !c && !f && !e)
		return;
	put(p, "<h2>Marketing</h2>\n<div class=\"grid\">\n");
	/* one of the two alone takes the row */
	if (s)
		table_panel(p, src, !c);
	if (c) {
		p->wbr = true; /* source/medium/campaign breaks at its slashes */
		table_panel(p, camp, !s);
		p->wbr = false;
	}
	if (f)
		funnel_panel(p, fun);
	if (e)
		table_panel(p, exp, true);
	put(p, "</div>\n");
}

static void tables(struct page *p, const ff_report *r)
{
	bool summary = r->with_summary && r->summary.n_rows > 0;
	if (!summary && r->n_tables == 0) {
		put(p, "<p class=\"empty\">No reports were selected.</p>\n");
		return;
	}
	put(p, "<h2>Reports</h2>\n<nav class=\"toc\" aria-label=\"Reports\">");
	if (summary)
		put(p, "<a href=\"#report-summary\">Summary</a>");
	for (size_t i = 0; i < r->n_tables; i++) {
		const ff_table *t = &r->tables[i];
		if (!is_anchor_name(t->name))
			continue;
		putf(p, "<a href=\"#report-%s\">", t->name);
		put_cstr(p, t->title ? t->title : t->name, IN_TEXT);
		put(p, "</a>");
	}
	put(p, "</nav>\n<div class=\"grid tables\">\n");
	if (summary)
		summary_panel(p, &r->summary);
	for (size_t i = 0; i < r->n_tables; i++)
		if (!in_marketing(&r->tables[i]))
			table_panel(p, &r->tables[i], false);
	put(p, "</div>\n");
}

static void footer(struct page *p, const ff_report *r)
{
	char a[NUM_BUF], b[NUM_BUF];
	put(p, "<footer>\n<p>Made by footfall. This page is one self-contained file: it loads nothing from the "
	       "network and reads the same offline.</p>\n");
	if (r->n_inputs) {
		putf(p, "<p>Input file%s:</p>\n<ul>\n", r->n_inputs == 1 ? "" : "s");
		for (size_t i = 0; i < r->n_inputs; i++) {
			const ff_input_facts *in = &r->inputs[i];
			put(p, "<li>");
			put_cstr(p, in->name ? in->name : "-", IN_TEXT);
			ff_fmt_u64(in->lines, p->seps, a);
			fmt_bytes(in->bytes_read, b);
			putf(p, " \xe2\x80\x94 %s, %s line%s", in->compression && strcmp(in->compression, "gzip") == 0 ? "gzip" : "plain",
			     a, in->lines == 1 ? "" : "s");
			if (in->invalid) {
				ff_fmt_u64(in->invalid, p->seps, a);
				putf(p, " (%s invalid)", a);
			}
			putf(p, ", %s read", b);
			if (in->error) {
				put(p, " \xe2\x80\x94 <span class=\"err\">");
				put_cstr(p, in->error, IN_TEXT);
				put(p, "</span>");
			}
			put(p, "</li>\n");
		}
		put(p, "</ul>\n");
	}
	put(p, "</footer>\n");
}

void ff_render_html(FILE *f, const ff_report *r, const ff_render_opts *o)
{
	struct period pd;
	if (!o)
		o = &default_opts;
	struct page p = { .f = f, .seps = o->separators, .pd = &pd };

	find_period(r, &pd);
	head(&p, &pd);
	header(&p, r, &pd);
	cards(&p, r, &pd);
	marketing(&p, r);
	charts(&p, r);
	tables(&p, r);
	footer(&p, r);
	put(&p, "</div>\n<script>");
	put(&p, sort_script);
	put(&p, "</script>\n</body>\n</html>\n");
}
