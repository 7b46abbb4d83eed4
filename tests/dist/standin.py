"""A stand-in for `footfall map`, `footfall reduce` and `footfall merge`
that checks the plumbing of tests/dist/dask_mapreduce.py before footfall
has those commands: the records keep the command-line contract (partition
hash, time key, line; one facts record per file), reduce refuses input that
is not grouped by hash and sorted by time, merge refuses a hash found in two
states or a line lost or repeated, then rebuilds the input files and hands
them to the real footfall ($FOOTFALL_REAL) with the same options.
"""
import base64
import datetime
import hashlib
import os
import re
import subprocess
import sys
import tempfile

ARMOR = b'footfall-state:'
# Options that take a value, as footfall's parser knows them.
VALUED = {'-c', '--config', '--site', '-f', '--format', '--top', '-o', '--output', '--report',
          '--log-format', '--client', '--tz', '--state-out', '--state-in', '--ua-regexes',
          '--timeout', '--max-keys', '--include', '--exclude', '--exclude-ip', '--since',
          '--until', '--segment', '--threads', '--shard'}
TIME = re.compile(rb'\[(\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\]')


def fail(msg, status=1):
    sys.stderr.buffer.write(b'footfall (stand-in): ' + msg.encode() + b'\n')
    sys.exit(status)


def split_args(args):
    """(options as a list, the other arguments, the value of each option)"""
    opts, rest, values, i = [], [], {}, 0
    while i < len(args):
        a = args[i]
        if a in VALUED:
            if i + 1 == len(args):
                fail("option '%s' needs a value" % a, 2)
            opts += [a, args[i + 1]]
            values[a] = args[i + 1]
            i += 2
        elif a.startswith('-') and a != '-':
            opts.append(a)
            i += 1
        else:
            rest.append(a)
            i += 1
    return opts, rest, values


def hex16(data):
    return hashlib.blake2b(data, digest_size=8).hexdigest().encode()


def file_tag(name):
    """Eight digits naming the file inside a time key, so merge can put each
    line back in its file (footfall's own key is time and sequence only)."""
    return int(hex16(name.encode()), 16) % 10 ** 8


def cmd_map(args):
    opts, files, values = split_args(args)
    if '--site' not in values:
        fail("map and reduce need the site's hosts (--site or site.hosts): inference needs the whole log", 2)
    out = sys.stdout.buffer
    for name in files or ['-']:
        f = sys.stdin.buffer if name == '-' else open(name, 'rb')
        tag = file_tag(name)
        n = 0
        for line in f:
            n += 1
            line = line.rstrip(b'\n')
            m = TIME.search(line)
            if m:
                t = datetime.datetime.strptime(m.group(1).decode(), '%d/%b/%Y:%H:%M:%S %z')
                secs = int(t.timestamp())
                quoted = re.findall(rb'"([^"]*)"', line)
                key = line.split(b' ', 1)[0] + b'\0' + (quoted[-1] if quoted else b'')
            else:
                secs, key = 0, b''
            out.write(b'%s\t%012d%08d.%012d\t%s\n' % (hex16(key), secs, tag, n, line))
        out.write(b'%s\t~facts\t%s\t%d\n' % (hex16(name.encode()), base64.b64encode(name.encode()), n))
    return 0


def cmd_reduce(args):
    opts, rest, values = split_args(args)
    if '--site' not in values:
        fail("map and reduce need the site's hosts (--site or site.hosts): inference needs the whole log", 2)
    data = sys.stdin.buffer.read()
    done, last_p, last_t = set(), None, None
    for rec in data.splitlines():
        p, t, _ = rec.split(b'\t', 2)
        if not re.fullmatch(rb'[0-9a-f]{16}', p) or not re.fullmatch(rb'\d+\.\d{12}|~facts', t):
            fail('malformed record: %r' % rec[:80])
        if p != last_p:
            if p in done:
                fail('records of %s are not grouped together' % p.decode())
            if last_p is not None:
                done.add(last_p)
            last_p, last_t = p, None
        elif t < last_t:
            fail('records of %s are not sorted by time' % p.decode())
        last_t = t
    armored = ARMOR + base64.b64encode(data) + b'\n'
    if '--state-out' in values:
        with open(values['--state-out'], 'wb') as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(armored)
    return 0


def cmd_merge(args):
    opts, states, values = split_args(args)
    if not states:
        fail('merge needs at least one state file', 2)
    owner = {}      # partition hash -> the state that holds it
    lines = {}      # file tag -> {sequence: line}
    facts = {}      # file tag -> (name, lines)
    first = {}      # file tag -> its earliest time key
    n_state = 0
    for path in states:
        with open(path, 'rb') as f:
            blobs = [base64.b64decode(l[len(ARMOR):]) for l in f.read().splitlines() if l.startswith(ARMOR)]
        if not blobs:
            fail('%s: not a footfall state file' % path)
        for blob in blobs:
            n_state += 1
            for rec in blob.splitlines():
                p, t, rest = rec.split(b'\t', 2)
                if owner.setdefault(p, n_state) != n_state:
                    fail('partition %s is in two states' % p.decode())
                if t == b'~facts':
                    name, count = rest.split(b'\t')
                    name = base64.b64decode(name).decode()
                    facts[file_tag(name)] = (name, int(count))
                    continue
                time, seq = t.split(b'.')
                tag, seq = int(time[-8:]), int(seq)
                if seq in lines.setdefault(tag, {}):
                    fail('line %d of a file is in the states twice' % seq)
                lines[tag][seq] = rest
                first[tag] = min(first.get(tag, time), time)
    tmp = tempfile.mkdtemp(prefix='footfall-standin.')
    names = []
    for tag in sorted(facts, key=lambda k: (first.get(k, b''), facts[k][0])):
        name, count = facts[tag]
        got = lines.get(tag, {})
        if sorted(got) != list(range(1, count + 1)):
            fail('%s: %d lines in the states, %d in the facts' % (name, len(got), count))
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.writelines(got[i] + b'\n' for i in range(1, count + 1))
        names.append(name)
    if len(facts) != len(lines.keys() | facts.keys()):
        fail('lines without the facts of their file')
    real = [os.environ['FOOTFALL_REAL']]
    out = values.get('-o', values.get('--output'))
    keep = []
    i = 0
    while i < len(opts):
        if opts[i] in ('--state-out', '-o', '--output'):
            i += 2
            continue
        keep.append(opts[i])
        i += 1
    if out:
        keep += ['-o', os.path.abspath(out)]
    conf = values.get('--config', values.get('-c'))
    if conf:
        keep[keep.index(conf)] = os.path.abspath(conf)
    status = subprocess.call(real + keep + names, cwd=tmp)
    subprocess.call(['rm', '-rf', tmp])
    return status


def main():
    if len(sys.argv) < 2:
        fail('usage: standin.py map|reduce|merge [OPTIONS] [FILE...]', 2)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'map':
        return cmd_map(args)
    if cmd == 'reduce':
        return cmd_reduce(args)
    if cmd == 'merge':
        return cmd_merge(args)
    # a one-machine run: the real footfall itself
    os.execv(os.environ['FOOTFALL_REAL'], [os.environ['FOOTFALL_REAL']] + sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
