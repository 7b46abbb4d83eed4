// tests/html/check.js — loads one HTML report in headless Chromium and
// checks what a reader's browser would do with it: no request leaves the
// file, no console error or CSP violation, the sorting script runs (its
// hash is the one in the CSP), every table fits its box and the page
// does not scroll sideways at desktop and phone width.  Screenshots at desktop and phone width go to OUTDIR.
//
// usage: node check.js REPORT.html OUTDIR [--expect-fail]
//
// Node's built-in modules only: Chromium speaks the DevTools protocol
// over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON),
// so no WebSocket client or npm package is needed.
'use strict';

const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const [file, outdir, mode] = process.argv.slice(2);
if (!file || !outdir) {
	console.error('usage: node check.js REPORT.html OUTDIR [--expect-fail]');
	process.exit(2);
}
const expectFail = mode === '--expect-fail';
const html = fs.readFileSync(file, 'utf8');
const url = pathToFileURL(path.resolve(file)).href;
const failures = [];
let passed = 0;

function check(ok, what) {
	if (ok) {
		passed++;
	} else {
		failures.push(what);
		if (!expectFail)
			console.log('FAIL: ' + what);
	}
}

// --- static checks on the file itself ---------------------------------

const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
check(csp !== null, 'a Content-Security-Policy meta element');
check(scripts.length === 1 && (html.match(/<script/g) || []).length === 1, 'exactly one script element');
if (csp && scripts.length === 1) {
	const hash = crypto.createHash('sha256').update(scripts[0][1], 'utf8').digest('base64');
	check(csp[1].includes("script-src 'sha256-" + hash + "'"), 'the CSP carries the sha256 of the inline script');
	check(/(^|; )default-src 'none'(;|$)/.test(csp[1]), "the CSP starts from default-src 'none'");
}

// --- the browser -------------------------------------------------------

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'footfall-chromium-'));
const chromium = spawn(process.env.CHROMIUM || 'chromium', [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--disable-default-apps', '--disable-extensions', '--no-first-run', '--no-default-browser-check',
	// nothing could get out even if the page tried; the test counts tries
	'--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
	'--user-data-dir=' + profile, '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
chromium.stderr.on('data', (d) => { stderr += d; });

const watchdog = setTimeout(() => finish('timed out after 45 s'), 45000);
let nextId = 0, inbuf = Buffer.alloc(0);
const pending = new Map(), listeners = [];

chromium.stdio[4].on('data', (chunk) => {
	inbuf = Buffer.concat([inbuf, chunk]);
	for (let i; (i = inbuf.indexOf(0)) >= 0;) {
		const msg = JSON.parse(inbuf.subarray(0, i).toString('utf8'));
		inbuf = inbuf.subarray(i + 1);
		if (msg.id !== undefined && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.error)
				reject(new Error(JSON.stringify(msg.error)));
			else
				resolve(msg.result);
		} else if (msg.method) {
			listeners.forEach((l) => l(msg));
		}
	}
});
chromium.on('exit', () => {
	for (const { reject } of pending.values())
		reject(new Error('chromium exited: ' + stderr.slice(-2000)));
});

function send(method, params = {}, sessionId) {
	return new Promise((resolve, reject) => {
		const msg = { id: ++nextId, method, params };
		if (sessionId)
			msg.sessionId = sessionId;
		pending.set(msg.id, { resolve, reject });
		chromium.stdio[3].write(JSON.stringify(msg) + '\0');
	});
}

function waitFor(method) {
	return new Promise((resolve) => {
		const l = (msg) => {
			if (msg.method === method) {
				listeners.splice(listeners.indexOf(l), 1);
				resolve(msg.params);
			}
		};
		listeners.push(l);
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const requests = [], problems = [];
listeners.push((msg) => {
	const p = msg.params;
	switch (msg.method) {
	case 'Network.requestWillBeSent':
		requests.push(p.request.url);
		break;
	case 'Network.webSocketCreated':
		requests.push(p.url);
		break;
	case 'Runtime.consoleAPICalled':
		if (p.type === 'error' || p.type === 'warning' || p.type === 'assert')
			problems.push('console ' + p.type + ': ' + p.args.map((a) => a.value).join(' '));
		break;
	case 'Runtime.exceptionThrown':
		problems.push('exception: ' + p.exceptionDetails.text + ' ' +
			(p.exceptionDetails.exception ? p.exceptionDetails.exception.description : ''));
		break;
	case 'Log.entryAdded':
		if (p.entry.level === 'error' || p.entry.level === 'warning')
			problems.push('log ' + p.entry.source + ' ' + p.entry.level + ': ' + p.entry.text);
		break;
	case 'Audits.issueAdded':
		problems.push('issue: ' + p.issue.code);
		break;
	}
});

async function evaluate(session, expr) {
	const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true }, session);
	if (r.exceptionDetails)
		throw new Error('evaluate: ' + JSON.stringify(r.exceptionDetails));
	return r.result.value;
}

async function screenshot(session, width, height, name) {
	await send('Emulation.setDeviceMetricsOverride',
		{ width, height, deviceScaleFactor: 1, mobile: width < 600 }, session);
	await sleep(150);
	const shot = await send('Page.captureScreenshot', { format: 'png' }, session);
	fs.writeFileSync(path.join(outdir, name), Buffer.from(shot.data, 'base64'));
}

// Sorting, driven as a reader would: click a header, read the order back.
const SORT_PROBE = `(() => {
	const table = document.querySelector('#report-pages table.sortable');
	if (!table) return { missing: true };
	const keys = () => [...table.tBodies[0].rows].map((r) => r.cells[0].textContent);
	const last = () => table.tBodies[0].rows[table.tBodies[0].rows.length - 1].className;
	const th = table.tHead.rows[0].cells[0];
	th.querySelector('button').click();
	const asc = keys(), ascSort = th.getAttribute('aria-sort'), ascLast = last();
	th.querySelector('button').click();
	const desc = keys(), descSort = th.getAttribute('aria-sort');
	return { asc, ascSort, ascLast, desc, descSort };
})()`;

// Every table whole in its box: no column hidden behind a scroll bar or
// clipped.  The box is the table's scrolling wrapper; the table itself
// must not be wider either.
const FIT_PROBE = `(() => {
	const bad = [];
	document.querySelectorAll('table').forEach((t) => {
		const id = (t.closest('section') || {}).id || '?';
		const box = t.parentElement;
		if (box.scrollWidth > box.clientWidth)
			bad.push(id + ': box ' + box.scrollWidth + ' > ' + box.clientWidth);
		if (t.scrollWidth > t.clientWidth)
			bad.push(id + ': table ' + t.scrollWidth + ' > ' + t.clientWidth);
		const r = t.getBoundingClientRect(), b = box.getBoundingClientRect();
		if (r.right > b.right + 0.5)
			bad.push(id + ': past its box by ' + (r.right - b.right).toFixed(1) + ' px');
	});
	return { tables: document.querySelectorAll('table').length, bad };
})()`;

async function fits(session, width) {
	const f = await evaluate(session, FIT_PROBE);
	check(f.tables > 20 && f.bad.length === 0,
		'every table (' + f.tables + ') fits its box at ' + width + ' px' + (f.bad.length ? ': ' + f.bad.join('; ') : ''));
}

async function main() {
	const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
	const { sessionId: s } = await send('Target.attachToTarget', { targetId, flatten: true });
	for (const domain of ['Network', 'Runtime', 'Log', 'Page', 'Audits'])
		await send(domain + '.enable', {}, s);
	// CDP-injected scripts are not subject to the page's CSP: this one
	// only records violations the page itself would raise.
	await send('Page.addScriptToEvaluateOnNewDocument', {
		source: "window.__violations = []; document.addEventListener('securitypolicyviolation'," +
			' (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));',
	}, s);
	await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 2400, deviceScaleFactor: 1, mobile: false }, s);
	const loaded = waitFor('Page.loadEventFired');
	await send('Page.navigate', { url }, s);
	await loaded;
	await sleep(500); // room for anything late (timers, lazy loads)

	const violations = await evaluate(s, 'window.__violations');
	check(requests.length === 1 && requests[0] === url,
		'the only request is the file itself (saw: ' + JSON.stringify(requests) + ')');
	check(violations.length === 0, 'no CSP violation (saw: ' + JSON.stringify(violations) + ')');
	check(problems.length === 0, 'no console error, warning or issue (saw: ' + JSON.stringify(problems) + ')');

	if (!expectFail) {
		const title = await evaluate(s, 'document.title');
		check(/^footfall report \u2014 \S/.test(title), 'the title names the period (' + title + ')');
		const t = await evaluate(s, `({
			sortable: document.querySelectorAll('table.sortable').length,
			enhanced: document.querySelectorAll('table.sortable.js').length,
			cards: document.querySelectorAll('.cards .card').length,
			charts: document.querySelectorAll('.panel svg').length,
			others: document.querySelectorAll('tr.others').length,
		})`);
		check(t.sortable > 5 && t.enhanced === t.sortable, 'the script ran and enhanced every table ' + JSON.stringify(t));
		check(t.cards === 8, 'eight key-figure cards (' + t.cards + ')');
		const head = await evaluate(s, `({
			h1: document.querySelector('h1').textContent,
			meta: document.querySelector('.meta').textContent,
			conv: !!document.querySelector('.card.conv'),
			marketing: [...document.querySelectorAll('h2')].map((h) => h.textContent).indexOf('Marketing'),
			funnel: document.querySelectorAll('#chart-funnels .drop').length,
			verdict: document.querySelectorAll('#report-experiments .verdict').length,
			wbr: document.querySelectorAll('#report-campaigns td.key wbr').length,
		})`);
		check(/^www\.example\.com/.test(head.h1), 'the header names the site (' + head.h1 + ')');
		check(/Generated\s*2026-03-09 00:00 UTC/.test(head.meta) && /First hit/.test(head.meta),
			'the header has the hits and the generation time from SOURCE_DATE_EPOCH (' + head.meta + ')');
		check(head.conv, 'a Conversions card');
		check(head.marketing === 0, 'the marketing section comes first');
		check(head.funnel === 3 && head.verdict === 1 && head.wbr > 0,
			'the funnel shows its drop-offs, the experiments their verdict, campaign keys break at / ' +
			JSON.stringify(head));
		check(t.charts >= 4, 'charts are drawn (' + t.charts + ' svg)');
		check(t.others > 0, '"others" rows are shown');
		const sort = await evaluate(s, SORT_PROBE);
		const sorted = (a, dir) => a.slice(0, -1).every((k, i) => i === 0 || dir * a[i - 1].localeCompare(k) <= 0);
		check(!sort.missing && sort.ascSort === 'ascending' && sorted(sort.asc, 1) && sort.ascLast === 'others',
			'clicking a header sorts ascending and keeps "others" last');
		check(!sort.missing && sort.descSort === 'descending' && sorted(sort.desc, -1),
			'a second click sorts descending');

		await screenshot(s, 1280, 2400, 'report-desktop.png');
		const wide = await evaluate(s, 'document.documentElement.scrollWidth');
		check(wide <= 1280, 'no sideways scrolling at 1280 px (' + wide + ')');
		await fits(s, 1280);
		await screenshot(s, 390, 2400, 'report-phone.png');
		const narrow = await evaluate(s, 'document.documentElement.scrollWidth');
		check(narrow <= 390, 'no sideways scrolling at 390 px (' + narrow + ')');
		await fits(s, 390);
		if (process.env.FOOTFALL_DARK_SHOT) {
			await send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'dark' }] }, s);
			await screenshot(s, 1280, 2400, 'report-dark.png');
			await screenshot(s, 390, 2400, 'report-dark-phone.png');
		}
		check(problems.length === 0, 'still no console error after the interactions (saw: ' + JSON.stringify(problems) + ')');
		check(requests.length === 1, 'still no request after the interactions (saw: ' + JSON.stringify(requests) + ')');
	}
	finish(null);
}

let finished = false;
function finish(error) {
	if (finished)
		return;
	finished = true;
	clearTimeout(watchdog);
	if (error)
		failures.push(error);
	const done = () => {
		try {
			fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
		} catch (e) {
			// a leftover temporary profile is not a failure of the report
		}
		if (expectFail) {
			// the negative control: the checks must catch a bad page
			console.log(failures.length ? 'bad page caught: ' + failures.join('; ') : 'FAIL: a bad page passed');
			process.exit(failures.length ? 0 : 1);
		}
		console.log(`${passed} passed, ${failures.length} failed`);
		process.exit(failures.length ? 1 : 0);
	};
	if (chromium.exitCode !== null || chromium.signalCode !== null)
		return done();
	const kill = setTimeout(() => chromium.kill('SIGKILL'), 5000);
	chromium.once('exit', () => {
		clearTimeout(kill);
		done();
	});
	send('Browser.close').catch(() => chromium.kill());
}

main().catch((e) => finish(String(e && e.stack || e)));
