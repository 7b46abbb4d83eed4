#!/bin/sh
# docs/run.sh — every example of README.md and of the man page's EXAMPLES
# runs on the sample logs and must do what the documentation says.
#
# Examples are marked in the sources: in README.md a fenced block opened
# with ```sh example; in man/footfall.1 the lines between `.\" example
# begin` and `.\" example end` (roff escapes \- \(aq \e undone).  In a
# block, a line starting with "$ " is a command; the lines after it up to
# the next command, if any, are its output as the documentation shows it,
# and must be exactly what the command prints.  A command shown without
# output is compared with tests/docs/expected/SOURCE-N (its output, cut to
# the first 150 lines plus a count and checksum of the rest, and the files
# it created): DOCS_REGEN=1 rewrites those; review the diff.
#
# Each command runs with sh in a fresh directory holding the sample logs
# under the names the examples use (access.log, access.log.1,
# access.log.2.gz; timed.log in the Apache format with %D), with
# /var/log/nginx/, /var/log/apache2/ and /var/www/stats/ taken as that
# directory, and `footfall` the binary under test.  Exit 77 (skipped)
# without python3; an example needing sqlite3 is skipped without it.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
if ! command -v python3 >/dev/null 2>&1; then
	echo "docs: python3 is not installed: skipped"
	exit 77
fi
export SRCDIR FOOTFALL
exec python3 - <<'PY'
import hashlib, os, re, shutil, subprocess, sys, tempfile

top = os.environ['SRCDIR']
footfall = os.path.abspath(os.environ['FOOTFALL'])
regen = os.environ.get('DOCS_REGEN') == '1'
fixtures = os.path.join(top, 'tests', 'fixtures')
expected_dir = os.path.join(top, 'tests', 'docs', 'expected')
STAND_INS = {
    'access.log': 'sample-access.log',
    'access.log.1': 'sample-access.log.1',
    'access.log.2.gz': 'sample-access.log.2.gz',
    'timed.log': 'same-apache-custom.log',
}
DIRS = ['/var/log/nginx/', '/var/log/apache2/', '/var/www/stats/']

def roff_text(line):
    return line.replace('\\-', '-').replace("\\(aq", "'").replace('\\(dq', '"').replace('\\e', '\\').replace('\\&', '')

def blocks(name):
    """(source, [lines]) of every marked block."""
    path = os.path.join(top, name)
    out, cur = [], None
    for raw in open(path, encoding='utf-8'):
        line = raw.rstrip('\n')
        if name.endswith('.md'):
            if cur is None and line.strip() == '```sh example':
                cur = []
            elif cur is not None and line.strip() == '```':
                out.append(cur); cur = None
            elif cur is not None:
                cur.append(line)
        else:
            if cur is None and line.strip() == '.\\" example begin':
                cur = []
            elif cur is not None and line.strip() == '.\\" example end':
                out.append(cur); cur = None
            elif cur is not None and not line.startswith('.'):
                cur.append(roff_text(line))
    if cur is not None:
        sys.exit('docs: %s: an example block is not closed' % name)
    return out

def examples(name):
    """[(command, shown output lines or None)]"""
    res = []
    for b in blocks(name):
        for line in b:
            if line.startswith('$ '):
                res.append([line[2:], []])
            elif res:
                res[-1][1].append(line)
            elif line.strip():
                sys.exit('docs: %s: output before any command: %r' % (name, line))
    return [(c, o if any(x.strip() for x in o) else None) for c, o in res]

def run(cmd):
    work = tempfile.mkdtemp(prefix='footfall-docs.')
    try:
        os.mkdir(os.path.join(work, 'bin'))
        os.symlink(footfall, os.path.join(work, 'bin', 'footfall'))
        for name, src in STAND_INS.items():
            shutil.copy(os.path.join(fixtures, src), os.path.join(work, name))
        before = set(os.listdir(work))
        for d in DIRS:
            cmd = cmd.replace(d, '')
        env = dict(os.environ, PATH=os.path.join(work, 'bin') + ':' + os.environ.get('PATH', ''),
                   LC_ALL='C', TZ='UTC', HOME='/nonexistent', XDG_CONFIG_HOME='/nonexistent')
        env.pop('NO_COLOR', None)
        p = subprocess.run(['sh', '-c', cmd], cwd=work, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        created = []
        for dirpath, dirnames, filenames in os.walk(work):
            for f in filenames:
                rel = os.path.relpath(os.path.join(dirpath, f), work)
                if rel.split(os.sep)[0] not in before:
                    with open(os.path.join(work, rel), 'rb') as fh:
                        first = fh.readline().decode('utf-8', 'replace').rstrip('\n')
                    created.append('%s: %s' % (rel, first[:60]))
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace'), sorted(created)
    finally:
        shutil.rmtree(work)

def summary(cmd, status, out, err, created):
    lines = out.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    text = ['$ ' + cmd, 'exit status %d' % status, '--- stdout']
    text += lines[:150]
    if len(lines) > 150:
        rest = '\n'.join(lines[150:]).encode('utf-8')
        text.append('[... %d lines in all; the rest has sha256 %s]' % (len(lines), hashlib.sha256(rest).hexdigest()))
    text.append('--- stderr')
    text += err.rstrip('\n').split('\n') if err else []
    text.append('--- files created')
    text += created
    return '\n'.join(text) + '\n'

passed = failed = skipped = 0
for source in ['README.md', 'man/footfall.1']:
    tag = os.path.basename(source)
    exs = examples(source)
    if not exs:
        print('FAIL %s: no marked examples' % source); failed += 1
    for i, (cmd, shown) in enumerate(exs, 1):
        name = '%s-%d' % (tag, i)
        if 'sqlite3' in cmd and not shutil.which('sqlite3'):
            print('skip %s: sqlite3 is not installed' % name); skipped += 1
            continue
        status, out, err, created = run(cmd)
        if shown is not None:
            want = '\n'.join(shown).rstrip('\n') + '\n'
            if status != 0 or out != want:
                print('FAIL %s: %s' % (name, cmd))
                print('  the documentation shows:'); print(''.join('    ' + l + '\n' for l in want.split('\n')[:-1]), end='')
                print('  the command prints (exit status %d):' % status); print(''.join('    ' + l + '\n' for l in out.split('\n')[:20]), end='')
                if err: print('  stderr: ' + err.strip()[:400])
                failed += 1
            else:
                passed += 1
            continue
        got = summary(cmd, status, out, err, created)
        path = os.path.join(expected_dir, name)
        if regen:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(got)
            print('rewrote ' + name); passed += 1
            continue
        want = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
        if got != want or status != 0:
            print('FAIL %s: %s' % (name, cmd))
            import difflib
            for l in list(difflib.unified_diff(want.split('\n'), got.split('\n'), 'expected/' + name, 'got', lineterm=''))[:40]:
                print('  ' + l)
            failed += 1
        else:
            passed += 1
print('docs: %d passed, %d failed, %d skipped' % (passed, failed, skipped))
sys.exit(1 if failed or not passed else 0)
PY
