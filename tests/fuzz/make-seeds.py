#!/usr/bin/env python3
"""Writes the hand-made seed inputs of each fuzz target under corpus/.

Seeds come from the project's fixtures (tests/fixtures) and from edge
cases written here.  Files libFuzzer adds by merging (named by their SHA-1)
are left alone; seeds are named seed-*.  Run from anywhere:
    python3 tests/fuzz/make-seeds.py
"""
import gzip
import io
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, '..', 'fixtures')
CORPUS = os.path.join(HERE, 'corpus')


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogateescape')
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


def lines(name):
    with open(os.path.join(FIX, name), 'rb') as f:
        return f.read().split(b'\n')


def gz(data, mtime=0):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode='wb', mtime=mtime) as g:
        g.write(data)
    return buf.getvalue()


# --- log lines --------------------------------------------------------------
CL = b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /a?b=c HTTP/1.1" 200 512 "https://www.google.com/search?q=x" "Mozilla/5.0"'
EDGE_LINES = {
    'escaped-quote': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /a HTTP/1.1" 200 512 "-" "ua \\"quoted\\" \\\\"',
    'unterminated': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /a HTTP/1.1" 200 512 "-" "unterminated',
    'missing-field': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /a HTTP/1.1" 200 "-" "-"',
    'extra-field': CL + b' 0.123',
    'feb31': b'10.0.0.1 - - [31/Feb/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "-"',
    'feb29-leap': b'10.0.0.1 - - [29/Feb/2024:23:59:59 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    'NOV': b'10.0.0.1 - - [02/NOV/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "-"',
    'plus1400': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +1400] "GET / HTTP/1.1" 200 1 "-" "-"',
    'minus1200': b'10.0.0.1 - - [02/Mar/2026:10:00:00 -1200] "GET / HTTP/1.1" 200 1 "-" "-"',
    'offset2400': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +2400] "GET / HTTP/1.1" 200 1 "-" "-"',
    'year1970': b'10.0.0.1 - - [01/Jan/1970:00:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "-"',
    'year2038': b'10.0.0.1 - - [19/Jan/2038:03:14:08 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    'year9999': b'10.0.0.1 - - [31/Dec/9999:23:59:59 -1200] "GET / HTTP/1.1" 200 1 "-" "-"',
    'year0000': b'10.0.0.1 - - [01/Jan/0000:00:00:00 +1400] "GET / HTTP/1.1" 200 1 "-" "-"',
    'hour24': b'10.0.0.1 - - [02/Mar/2026:24:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    'status000': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 000 1 "-" "-"',
    'status1000': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 1000 1 "-" "-"',
    'bytes-negative': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 -1 "-" "-"',
    'bytes-2p63': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 9223372036854775808 "-" "-"',
    'bytes-2p63m1': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 9223372036854775807 "-" "-"',
    'bytes-2p64': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 18446744073709551616 "-" "-"',
    'ipv6-zone': b'fe80::1%eth0 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "-"',
    'hostname': b'crawl-66-249-66-1.googlebot.com - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "-"',
    'tls-junk': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "\\x16\\x03\\x01\\x00\\xa5\\x01" 400 0 "-" "-"',
    'request-dash': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "-" 408 0 "-" "-"',
    'nul-in-ua': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "a\x00b"',
    'cr-inside': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /\r HTTP/1.1" 200 1 "-" "-"',
    'bad-utf8': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /caf\xc3\xa9\xff\xfe HTTP/1.1" 200 1 "-" "\xed\xa0\x80"',
    'ansi': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "\x1b[31mred\x1b[0m"',
    'two-spaces': b'10.0.0.1  - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "-"',
    'empty': b'',
    'spaces': b'   \t ',
    'trailing-backslash': b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "\\',
}
VHOST = b'www.example.com:443 '


def logline_seeds():
    for fmt, name in ((0, 'same-combined.log'), (1, 'same-common.log'), (2, 'same-vhost_combined.log')):
        ls = [l for l in lines(name) if l]
        for i in range(0, len(ls), max(1, len(ls) // 12))[:12]:
            nxt = ls[(i + 1) % len(ls)]
            put('logline', '%s-%d' % (name.replace('.log', ''), i), bytes([fmt]) + ls[i] + b'\n' + nxt)
    # The invalid lines of sample-invalid.log (see tests/fixtures/README).
    inv = lines('sample-invalid.log')
    for n in (8, 21, 146, 157, 181, 199, 215, 247, 258, 297, 332, 359):
        put('logline', 'invalid-%d' % n, b'\x00' + inv[n - 1] + b'\n' + CL)
    for k, l in EDGE_LINES.items():
        put('logline', 'combined-' + k, b'\x00' + l + b'\n' + l)
        put('logline', 'vhost-' + k, b'\x02' + VHOST + l + b'\n' + CL)
        common = l.rsplit(b' "', 2)[0] if l.count(b'"') >= 6 else l
        put('logline', 'common-' + k, b'\x01' + common)


# --- format strings ---------------------------------------------------------
APACHE_COMBINED = b'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"'
NGINX_COMBINED = b'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'
FORMATS = [
    (0, APACHE_COMBINED, CL),
    (0, APACHE_COMBINED + b' %D', CL + b' 1234'),
    (0, b'%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"', VHOST + CL),
    (0, b'%h %l %u %{%d/%b/%Y:%H:%M:%S %z}t "%m %U%q %H" %>s %B %{ms}T', b'10.0.0.1 - - 02/Mar/2026:10:00:00 +0100 "GET /a?x=1 HTTP/1.1" 200 5 12'),
    (0, b'%a %{sec}t %{msec}t %{usec}t %T %{us}T "%r" %s %b', b'10.0.0.1 1700000000 1700000000123 1700000000123456 1 1000 "GET / HTTP/1.0" 200 -'),
    (0, b'%{c}a %V %I %{X-Forwarded-For}i %{FOO}e %p %s', b'10.0.0.1 h 12 1.2.3.4 x 443 200'),
    (0, b'%h \\"%r\\" \\t %s', b'10.0.0.1 "GET / HTTP/1.1" \t 200'),
    (0, b'%h%l', b'x'),
    (0, b'%Z', b''),
    (0, b'%{', b''),
    (0, b'%', b''),
    (0, NGINX_COMBINED, CL),
    (0, NGINX_COMBINED + b' $request_time', CL + b' 0.002'),
    (0, b'$time_iso8601 $host $remote_addr "$request" $status $bytes_sent $msec', b'2026-03-02T10:00:00+01:00 www.example.com 10.0.0.1 "GET / HTTP/1.1" 200 5 1700000000.123'),
    (0, b'${remote_addr} [$time_local] "$request_method $request_uri $server_protocol" $status $body_bytes_sent "$http_host" $uri $args $query_string $server_name', b'10.0.0.1 [02/Mar/2026:10:00:00 +0100] "GET /a?b HTTP/1.1" 200 5 "h" /a b b s'),
    (0, b'$remote_addr$remote_user', b'x'),
    (0, b'${', b''),
    (0, b'$', b''),
    (0, b'combined', CL),
    (0, b'common', CL),
    (0, b'vhost_combined', VHOST + CL),
    (0, b'auto', CL),
    (1, b'(?<client>\\S+) \\S+ \\S+ \\[(?<time>[^]]+)\\] "(?<request>[^"]*)" (?<status>\\d+) (?<bytes>\\S+) "(?<referer>[^"]*)" "(?<user_agent>[^"]*)"', CL),
    (1, b'(?<client>\\S+) (?<time>\\S+) (?<method>\\S+) (?<target>\\S+) (?<protocol>\\S+) (?<status>\\d+) (?<duration>\\S+) (?<vhost>\\S+)', b'10.0.0.1 1700000000 GET /a HTTP/1.1 200 0.5 h'),
    (1, b'(?<client>\\S+) (?<time>\\S+) (?<status>\\d+) (?<duration_us>\\d+) (?<duration_ms>\\d+) (?<duration_s>\\S+) (?<path>\\S+) (?<query>\\S*)', b'h 2026-03-02T10:00:00Z 200 5 5 5.5 /a b'),
    (1, b'^(?<client>(a|aa)+)b$', b'a' * 60 + b'c'),
    (1, b'(?<client>x)(?<client>y)', b'xy'),
    (1, b'(?J)(?<client>x)|(?<client>y)', b'y'),
    (1, b'(?<nothing>.*)', b'x'),
    (1, b'(?<client>', b''),
    (1, b'(?<client>(?:a*)*)b', b'a' * 40),
    (1, b'(?<client>.*)(?<time>.*)', b'10.0.0.1 [02/Mar/2026:10:00:00 +0100]'),
]


def logformat_seeds():
    for i, (sel, spec, line) in enumerate(FORMATS):
        put('logformat', '%02d' % i, bytes([sel]) + spec + b'\x00' + line)


# --- time texts -------------------------------------------------------------
TIMES = [
    (0, b'02/Mar/2026:10:00:00 +0100'), (0, b'31/Feb/2026:10:00:00 +0100'),
    (0, b'29/Feb/2024:23:59:59 -1200'), (0, b'29/Feb/2100:00:00:00 +0000'),
    (0, b'01/Jan/1970:00:00:00 +1400'), (0, b'31/Dec/9999:23:59:59 -2359'),
    (0, b'01/Jan/0000:00:00:00 +2359'), (0, b'02/NOV/2026:10:00:00 +0100'),
    (0, b'02/nov/2026:10:00:00 +0100'), (0, b'02/Mar/2026:24:00:00 +0000'),
    (0, b'02/Mar/2026:10:60:00 +0000'), (0, b'02/Mar/2026:10:00:60 +0000'),
    (0, b'02/Mar/2026:10:00:00 +2400'), (0, b'02/Mar/2026:10:00:00 +0060'),
    (0, b'2/Mar/2026:10:00:00 +0100'), (0, b'02/Mar/-026:10:00:00 +0100'),
    (0, b'02/Mar/2026:10:00:00 0100'), (0, b'00/Jan/2026:00:00:00 +0000'),
    (1, b'2026-03-02T10:00:00+01:00'), (1, b'2026-03-02T10:00:00Z'), (1, b'2026-03-02t10:00:00z'),
    (1, b'2026-03-02T10:00:00.123456789+0100'), (1, b'2026-03-02T10:00:00.+01:00'),
    (1, b'9999-12-31T23:59:59-23:59'), (1, b'0000-01-01T00:00:00+23:59'),
    (1, b'2026-02-29T00:00:00Z'), (1, b'2026-03-02T10:00:00+01'),
    (2, b'0'), (2, b'1700000000'), (2, b'1700000000.123'), (2, b'1700000000.'),
    (2, b'253402300799'), (2, b'253402300800'), (2, b'18446744073709551616'),
    (2, b'-1'), (2, b'1.1234567'), (2, b'.5'), (2, b''),
]


def time_seeds():
    for i, (sel, t) in enumerate(TIMES):
        put('time', '%02d' % i, bytes([sel]) + t)


# --- whole streams ----------------------------------------------------------
def gzip_seeds():
    text = b'\n'.join(lines('same-combined.log')[:20]) + b'\n'
    g = gz(text)
    put('gzip', 'plain', text)
    put('gzip', 'plain-crlf', text.replace(b'\n', b'\r\n'))
    put('gzip', 'plain-no-final-lf', text.rstrip(b'\n'))
    put('gzip', 'plain-nul-cr', b'a\x00b\rc\r\r\n\r\n\n\r')
    put('gzip', 'plain-blank', b'\n\n \n\t\n')
    put('gzip', 'empty', b'')
    put('gzip', 'one-byte-1f', b'\x1f')
    put('gzip', 'magic-only', b'\x1f\x8b')
    put('gzip', 'member', g)
    put('gzip', 'members', gz(b'one\n') + gz(b'') + gz(b'two\nthree'))
    put('gzip', 'member-padding', g + b'\x00' * 16)
    put('gzip', 'member-padding-member', g + b'\x00\x00' + gz(b'x\n'))
    put('gzip', 'trailing-garbage', g + b'garbage\n')
    put('gzip', 'trailing-1f', g + b'\x1f')
    put('gzip', 'truncated', g[:len(g) // 2])
    bad = bytearray(g)
    bad[-8] ^= 0xff
    put('gzip', 'bad-crc', bytes(bad))
    bad = bytearray(g)
    bad[-1] ^= 0x01
    put('gzip', 'bad-isize', bytes(bad))
    put('gzip', 'many-lines', gz(b'GET / HTTP/1.1 200\n' * 5000))
    put('gzip', 'overlong-line', gz(b'x' * (1 << 20) + b'yz\r\nend\n'))
    put('gzip', 'fhcrc-fextra-fname', b'\x1f\x8b\x08\x1e\x00\x00\x00\x00\x00\x03\x04\x00abcdname\x00comment\x00\x00\x00'
        + zlib.compress(b'hi\n')[2:-4] + zlib.crc32(b'hi\n').to_bytes(4, 'little') + (3).to_bytes(4, 'little'))
    put('gzip', 'bzip2', b'BZh91AY&SY\x01\x02\x03\x04')
    put('gzip', 'bzh-text', b'BZh is text\n')
    put('gzip', 'xz', b'\xfd7zXZ\x00\x00')
    put('gzip', 'zstd', b'\x28\xb5\x2f\xfd\x00')
    with open(os.path.join(FIX, 'multi-member.log.gz'), 'rb') as f:
        put('gzip', 'fixture-multi-member', f.read())


def config_seeds():
    with open(os.path.join(HERE, '..', '..', 'config.example.yaml'), 'rb') as f:
        put('config', 'example', f.read())
    docs = {
        'empty': b'',
        'dashes': b'---\n',
        'comment': b'# nothing\n',
        'scalar': b'hello\n',
        'list': b'- a\n- b\n',
        'log-format': b'log:\n  format: \'%h %l %u %t "%r" %>s %b\'\n',
        'log-format-bad': b'log:\n  format: \'%Z\'\n',
        'visits': b'visits:\n  timeout: 60\n  reorder_window: 0\n',
        'visits-quoted': b"visits:\n  timeout: '1800'\n",
        'visits-huge': b'visits:\n  timeout: 99999999999999999999999\n',
        'visits-neg': b'visits:\n  timeout: -1\n',
        'visits-leading-zero': b'visits:\n  timeout: 0100\n',
        'null-values': b'log:\n  format:\nvisits:\n  timeout: ~\n  reorder_window: null\n',
        'unknown-key': b'log:\n  fromat: combined\n',
        'unknown-section': b'nope: 1\n',
        'wrong-type-list': b'log:\n  format: [a, b]\n',
        'wrong-type-map': b'visits: 5\n',
        'site-one': b'site:\n  hosts: www.example.com\n',
        'site-list': b'site:\n  hosts: [www.example.com, "example.com"]\n',
        'bot-bad-regex': b"classify:\n  bot_patterns: ['(']\n",
        'bot-patterns': b"classify:\n  bot_patterns: ['^curl/', '(?i)bot', '^$']\n  static_extensions: [css, JS, '']\n",
        'alias': b'a: &x [1, 2]\nb: *x\n',
        'billion-laughs': b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                          b'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n',
        'deep-64': b'log:\n  format: ' + b'[' * 62 + b'1' + b']' * 62 + b'\n',
        'deep-65': b'x: ' + b'[' * 65 + b']' * 65 + b'\n',
        'deep-map': b''.join(b'  ' * i + b'k%d:\n' % i for i in range(70)) + b'  ' * 70 + b'v\n',
        'tag': b'visits:\n  timeout: !!str 5\n',
        'tag-custom': b'visits: !foo\n  timeout: 5\n',
        'two-docs': b'a: 1\n---\nb: 2\n',
        'dup-key': b'log:\n  format: common\n  format: combined\n',
        'complex-key': b'? [a]\n: 1\n',
        'nul-escape': b'log:\n  format: "a\\0b"\n',
        'ansi-key': b'log:\n  "\\e[31mred": 1\n',
        'ansi-value': b'visits:\n  timeout: "\\e[31m"\n',
        'bad-utf8': b'log:\n  format: "\xff\xfe"\n',
        'tabs': b'log:\n\tformat: common\n',
        'flow': b'{log: {format: common}, visits: {timeout: 5}}\n',
        'goals': b"goals:\n  - name: p\n    path: '^/x$'\n    method: POST\nfunnels:\n  - name: f\n    steps: ['^/a', '^/b']\n"
                 b"experiments:\n  - name: e\n    param: v\n    goal: p\n    control: a\npixels:\n  - path: /px.gif\n    campaign: c\n    recipient: u\n",
        'goals-bad': b"goals: 5\nfunnels: {a: 1}\n",
        'privacy': b'privacy:\n  anonymize: yes\nfilters:\n  exclude_ip: [192.0.2.0/24, "2001:db8::/32", 198.51.100.7]\n',
        'bool-words': b'privacy:\n  anonymize: TRUE\n',
        'ua': b'ua:\n  regexes: /nonexistent.yaml\n',
        'unclosed': b'log: [\n',
        'bad-indent': b'log:\n  format: a\n b: c\n',
        'block-scalar': b'log:\n  format: |\n    %h %t\n',
    }
    for k, v in docs.items():
        put('config', k, v)


def pipeline_seeds():
    def chunk(name, n):
        return b'\n'.join(lines(name)[:n]) + b'\n'
    # sel bits: 0-2 log format (0 auto), 3 records, 4 two inputs, 5 small
    # windows and --top 1, 6 uap rules loaded, 7 all record fields / csv-raw
    put('pipeline', 'auto-combined', b'\x40' + chunk('same-combined.log', 25))
    put('pipeline', 'auto-two-inputs', b'\x10' + chunk('server-a.log', 12) + chunk('server-b.log', 12))
    put('pipeline', 'records-all-fields', b'\xc8' + chunk('same-combined.log', 15))
    put('pipeline', 'records-two-inputs', b'\x98' + chunk('server-b.log', 10) + chunk('server-a.log', 10))
    put('pipeline', 'common', b'\x02' + chunk('same-common.log', 20))
    put('pipeline', 'vhost', b'\x23' + chunk('same-vhost_combined.log', 20))
    put('pipeline', 'apache-custom', b'\x04' + chunk('same-apache-custom.log', 20))
    put('pipeline', 'nginx-custom', b'\x05' + chunk('same-nginx-custom.log', 20))
    put('pipeline', 'regex', b'\x86' + chunk('same-combined.log', 20))
    put('pipeline', 'iso', b'\x07' + b'2026-03-02T10:00:00+01:00 www.example.com 10.0.0.1 "GET / HTTP/1.1" 200 5 1700000000.123\n')
    put('pipeline', 'invalid', b'\x00' + chunk('sample-invalid.log', 40))
    put('pipeline', 'jitter', b'\x20' + chunk('sample-jitter.log', 30))
    edge = b'\n'.join(EDGE_LINES.values()) + b'\n'
    put('pipeline', 'edge-lines', b'\x00' + edge)
    put('pipeline', 'edge-lines-records', b'\x88' + edge)
    hostile = (b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] "GET /<script>alert(1)</script>?utm_source=%3Cb%3E HTTP/1.1" 200 1 '
               b'"https://evil.example/\x1b[31m" "=HYPERLINK(\\"http://evil\\")"\n'
               b'10.0.0.2 - - [02/Mar/2026:10:00:01 +0100] "GET /\xff\xfe HTTP/1.1" 404 1 "-" "+cmd\x00\t\r"\n'
               b'10.0.0.3 - - [02/Mar/2026:10:00:02 +0100] "GET /order/complete?variant=b HTTP/1.1" 200 1 "-" "@sum\\"><img src=x onerror=alert(1)>"\n'
               b'10.0.0.3 - - [02/Mar/2026:10:00:03 +0100] "GET /px.gif?c=spring HTTP/1.1" 200 1 "-" "-cmd"\n')
    put('pipeline', 'hostile', b'\x40' + hostile)
    put('pipeline', 'hostile-records', b'\xc8' + hostile)
    put('pipeline', 'hostile-raw', b'\x80' + hostile)
    put('pipeline', 'gzip', b'\x00' + gz(chunk('same-combined.log', 20)))
    put('pipeline', 'bzip2', b'\x00BZh91AY&SY\x01\x02\x03\x04')
    put('pipeline', 'empty', b'\x00')
    put('pipeline', 'late', b'\x20' + b'10.0.0.1 - - [02/Mar/2026:10:10:00 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"\n'
        b'10.0.0.1 - - [02/Mar/2026:10:00:00 +0000] "GET /b HTTP/1.1" 200 1 "-" "-"\n')


def jsonline_seeds():
    caddy = (b'{"level":"info","ts":1772406000.802781,"logger":"http.log.access.log0","msg":"handled request",'
             b'"request":{"remote_ip":"192.0.2.1","remote_port":"5000","client_ip":"192.0.2.1","proto":"HTTP/2.0",'
             b'"method":"GET","host":"www.example.com","uri":"/a?b=1&c=2","headers":{"Accept":["*/*"],'
             b'"Referer":["https://x.test/"],"User-Agent":["Mozilla/5.0 \\"q\\" \\u00e9\\ud83d\\ude00"]}},'
             b'"bytes_read":0,"user_id":"","duration":0.066203,"size":13780,"status":200,"resp_headers":{}}')
    traefik = (b'{"ClientHost":"2001:db8::1","DownstreamContentSize":5,"DownstreamStatus":404,"Duration":1500000,'
               b'"RequestHost":"www.example.com","RequestMethod":"GET","RequestPath":"/x?a=1\\u0026b=\\u003c",'
               b'"RequestProtocol":"HTTP/1.1","StartLocal":"2026-03-02T09:17:40.802781+01:00",'
               b'"StartUTC":"2026-03-02T08:17:40.802781Z","request_User-Agent":"curl/8.0"}')
    nginx = (b'{"t":"2026-03-02T09:17:40+01:00","a":{"b":["10.0.0.1"]},"r":"GET /p?q HTTP/1.1","s":"200",'
             b'"n":[0,[12]],"h":{"User-Agent":["x\\/y\\\\z\\n"]},"d":"0.123"}')
    put('jsonline', 'caddy', b'\x00' + caddy + b'\n' + caddy)
    put('jsonline', 'traefik', b'\x00' + traefik + b'\n' + caddy)
    put('jsonline', 'mapped', b'\x01' + nginx + b'\n' + nginx)
    put('jsonline', 'broken', b'\x00' + caddy[:-1] + b'\n' + caddy + b' x')
    put('jsonline', 'escapes', b'\x00{"ts":1,"status":200,"request":{"uri":"\\u0000\\ud800\\udc00\\udbff\\ud800\\b\\f\\t"}}\n'
        b'{"ts":"1.5","status":"599","size":"9223372036854775807"}')
    put('jsonline', 'bad-escapes', b'\x00{"ts":1,"status":200,"x":"\\u12"}\n{"ts":1,"status":200,"x":"\\x41"}')
    put('jsonline', 'numbers', b'\x00{"ts":-0.5e+3,"status":2e2,"size":1.0,"duration":1E-5}\n{"ts":01,"status":200}')
    put('jsonline', 'deep', b'\x00' + b'{"a":' * 70 + b'1' + b'}' * 70 + b'\n' + b'[' * 100)
    put('jsonline', 'literals', b'\x00{"ts":1,"status":200,"t":true,"f":false,"n":null,"e":{},"l":[]}\n{"ts":1,"status":nul}')
    put('jsonline', 'empty', b'\x00\n  {}  ')


if __name__ == '__main__':
    logline_seeds()
    jsonline_seeds()
    logformat_seeds()
    time_seeds()
    gzip_seeds()
    config_seeds()
    pipeline_seeds()
