#!/bin/sh
# diagnostics.sh — keeps the man page's EXIT STATUS and DIAGNOSTICS in step
# with the sources.
#
# Every message footfall writes to standard error is a printf format (or a
# fixed string) handed to one of the functions listed in SINKS below.  The
# literal text of each format, cut at its conversions (%s, %zu, ...), gives
# the message's fixed pieces: "'%s' is not a date (YYYY-MM-DD)" gives
# "'" (no word: ignored) and "' is not a date (YYYY-MM-DD)".  A message is
# documented when one tag line of DIAGNOSTICS (a .TP or .TQ entry, rendered
# to plain text) holds all of its pieces in order.  The other way round,
# each tag with a word outside its italics must hold the pieces of some
# message: an entry whose message is gone is left only when it shares its
# wording with another.  Each FF_EXIT_* value of src/*.h must be an entry
# of EXIT STATUS.
#   sh tests/diagnostics.sh        (SRCDIR: the source tree, by default ..)
# Exit status 0 when in step, 1 with the missing or stale entries listed,
# 77 (skipped) without python3.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
if ! command -v python3 >/dev/null 2>&1; then
	echo "diagnostics: python3 is not installed: skipped"
	exit 77
fi
exec python3 - "$SRCDIR" <<'EOF'
import glob
import os
import re
import sys

top = sys.argv[1]

# Where messages are made: (file, or * for every file; function; index of
# the argument that holds the format; index and text of an argument that
# must name the message's destination, or None).
SINKS = [
    ('*', 'ff_diag', 1, None),                 # diag.c: "footfall: " text
    ('*', 'ff_diag_at', 3, None),              # "footfall: FILE[:LINE]: " text
    ('*', 'ff_config_error', 4, None),         # "FILE:LINE: " text
    ('*', 'snprintf', 2, (0, 'err')),          # a callee's reason, printed by its caller
    ('options.c', 'usage_error', 1, None),
    ('options.c', 'fputs', 0, (1, 'err')),
    ('run.c', 'fprintf', 1, (0, 'r->err')),    # the progress line
    ('run.c', 'snprintf', 2, (0, 'buf')),      # why a line is invalid
    ('config.c', 'file_error', 1, None),       # "FILE: what[: strerror]"
    ('config.c', 'snprintf', 2, (0, 'what')),
    ('input.c', 'set_err', 2, None),
    ('input.c', 'fail', 1, None),
    ('logformat.c', 'fail', 1, None),
    ('yamltree.c', 'fail', 2, None),
    ('state.c', 'say', 2, None),              # a state file's fault, printed by its caller
    ('state.c', 'snprintf', 2, (0, 'msg')),    # states that disagree
]
# Messages kept in a variable: (file, variable).
VARIABLES = [
    ('logformat.c', 'no_time_note'),
]
# Macros that may stand between the string literals of a format.
MACROS = {'FF_PROGRAM': '"footfall"', 'PRIu64': '"llu"', 'PRId64': '"lld"', 'PRIu32': '"u"'}

STRING = r'"(?:[^"\\\n]|\\.)*"'
CONVERSION = re.compile(r"%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcsp]")
problems = []


def strip_comments(text):
    """The C text with comments blanked (newlines kept, for line numbers)."""
    out = []
    for m in re.finditer(r'//[^\n]*|/\*.*?\*/|' + STRING + r"|'(?:[^'\\\n]|\\.)*'|.", text, re.S):
        tok = m.group(0)
        if tok.startswith('//') or tok.startswith('/*'):
            out.append(re.sub(r'[^\n]', ' ', tok))
        else:
            out.append(tok)
    return ''.join(out)


def call_args(text, start):
    """The top-level arguments of the call whose '(' is at start."""
    args, depth, cur, i = [], 0, '', start + 1
    while i < len(text):
        m = re.compile(STRING + r"|'(?:[^'\\]|\\.)*'").match(text, i)
        if m:
            cur += m.group(0)
            i = m.end()
            continue
        c = text[i]
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                args.append(cur.strip())
                return args
            depth -= 1
        elif c == ',' and depth == 0:
            args.append(cur.strip())
            cur = ''
            i += 1
            continue
        cur += c
        i += 1
    return args


def c_string(expr):
    """The value of a C expression made of string literals and MACROS, or
    None when it is anything else."""
    for name, value in MACROS.items():
        expr = re.sub(r'\b%s\b' % name, value, expr)
    parts = re.findall(STRING, expr)
    if not parts or re.sub(STRING, '', expr).strip():
        return None
    raw = ''.join(p[1:-1] for p in parts)
    return re.sub(r'\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)', lambda m: unescape(m.group(1)), raw)


def unescape(e):
    simple = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'"}
    if e in simple:
        return simple[e]
    if e[0] == 'x':
        return chr(int(e[1:], 16))
    if e[0].isdigit():
        return chr(int(e, 8))
    return e


def pieces(fmt):
    """The fixed pieces of a format: the text between its conversions that
    holds a letter, with blanks squeezed and the "footfall: " that diag.c
    writes left out."""
    out = []
    for part in CONVERSION.split(fmt.replace('%%', '\0')):
        part = part.replace('\0', '%')
        part = re.sub(r'\033\[[0-9;]*[A-Za-z]', '', part)   # terminal control
        part = ''.join(c for c in part if c >= ' ')
        part = re.sub(r'^\s*footfall:\s*', '', part)
        part = ' '.join(part.split())
        if re.search(r'[A-Za-z]', part):
            out.append(part)
    return tuple(out)


def messages():
    found = {}  # pieces -> first place
    for path in sorted(glob.glob(os.path.join(top, 'src', '*.c'))):
        name = os.path.basename(path)
        with open(path, encoding='utf-8') as f:
            text = strip_comments(f.read())
        for where, func, fmt_at, dest in SINKS:
            if where not in ('*', name):
                continue
            for m in re.finditer(r'\b%s\s*\(' % re.escape(func), text):
                line = text.count('\n', 0, m.start()) + 1
                args = call_args(text, m.end() - 1)
                if dest and (len(args) <= dest[0] or args[dest[0]] != dest[1]):
                    continue
                if len(args) <= fmt_at:
                    continue
                fmt = c_string(args[fmt_at])
                if fmt is None:
                    if '"' in args[fmt_at]:
                        problems.append('%s:%d: %s: cannot read the message %s' % (name, line, func, args[fmt_at]))
                    continue   # a variable: the definition or a wrapper
                # "%s" alone with a literal argument: the argument is the text
                if fmt == '%s' and len(args) > fmt_at + 1 and c_string(args[fmt_at + 1]) is not None:
                    fmt = c_string(args[fmt_at + 1])
                p = pieces(fmt)
                if p:
                    found.setdefault(p, '%s:%d' % (name, line))
        for where, var in VARIABLES:
            if where != name:
                continue
            m = re.search(r'\b%s\s*=\s*((?:%s\s*)+);' % (var, STRING), text)
            if not m:
                problems.append('%s: no message in %s' % (name, var))
                continue
            found.setdefault(pieces(c_string(m.group(1))), '%s:%d' % (name, text.count('\n', 0, m.start()) + 1))
    return found


def roff_text(line, italic=True):
    """One man page line as plain text: font macros joined, escapes read;
    without italic, the text set in italics (what varies) is left out."""
    fonts = {'.B': 'B', '.I': 'I', '.BI': 'BI', '.IB': 'IB', '.BR': 'BR', '.RB': 'RB', '.IR': 'IR', '.RI': 'RI'}
    runs = []  # (font, text)
    if line.startswith('.'):
        macro, _, rest = line.partition(' ')
        args = [a.replace('""', '"') if q else b for q, a, b in re.findall(r'(")((?:[^"]|"")*)"|(\S+)', rest)]
        font = fonts.get(macro, 'R')
        if len(font) == 1:
            runs.append((font, ' '.join(args)))
        else:
            runs.extend((font[i % 2], a) for i, a in enumerate(args))
    else:
        runs.append(('R', line))
    out = ''
    for font, text in runs:
        # inline font changes: \fB \fI \fR \fP
        for i, part in enumerate(re.split(r'\\f([BIRP])', text)):
            if i % 2:
                font = 'R' if part == 'P' else part
            elif italic or font != 'I':
                out += part
    for esc, plain in ((r'\(aq', "'"), (r'\(dq', '"'), (r'\(em', '--'), (r'\-', '-'), (r'\e', '\\'),
                       (r'\&', ''), (r'\ ', ' ')):
        out = out.replace(esc, plain)
    return ' '.join(out.split())


def sections():
    with open(os.path.join(top, 'man', 'footfall.1'), encoding='utf-8') as f:
        lines = f.read().split('\n')
    sec, out = None, {}
    for line in lines:
        if line.startswith('.SH '):
            sec = line[4:].strip().strip('"')
            out[sec] = []
        elif sec:
            out[sec].append(line)
    return out


def tags(lines, italic=True):
    """The tag lines of the .TP and .TQ entries, as plain text."""
    return [roff_text(lines[i + 1], italic) for i, line in enumerate(lines[:-1])
            if line.split()[:1] in (['.TP'], ['.TQ'])]


def holds(tag, p):
    at = 0
    for piece in p:
        at = tag.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


man = sections()
diagnostics = man.get('DIAGNOSTICS', [])
entries = tags(diagnostics)
found = messages()
missing = [(where, p) for p, where in found.items() if not any(holds(t, p) for t in entries)]
# A tag whose fixed (not italic) text has no word, like "file: reason" for
# the system's own words, stands for no format of footfall's.
stale = [t for t, fixed in zip(entries, tags(diagnostics, italic=False))
         if re.search(r'[A-Za-z]', fixed) and not any(holds(t, p) for p in found)]

codes = set()
for h in glob.glob(os.path.join(top, 'src', '*.h')):
    with open(h, encoding='utf-8') as f:
        codes.update(int(v) for v in re.findall(r'\bFF_EXIT_\w+\s*=\s*(\d+)', f.read()))
status_tags = set(tags(man.get('EXIT STATUS', [])))
no_status = sorted(c for c in codes if str(c) not in status_tags)

for p in problems:
    print('diagnostics: ' + p)
for where, p in sorted(missing):
    print('diagnostics: %s: not in the man page\'s DIAGNOSTICS: %s' % (where, ' ... '.join(p)))
for t in stale:
    print('diagnostics: DIAGNOSTICS documents no message footfall writes: %s' % t)
for c in no_status:
    print('diagnostics: exit status %d is not in the man page\'s EXIT STATUS' % c)
bad = len(problems) + len(missing) + len(stale) + len(no_status)
print('diagnostics: %d messages, %d entries, %d exit statuses; %d problems' % (len(found), len(entries), len(codes), bad))
sys.exit(1 if bad or not found or not codes else 0)
EOF
