"""A distributed run of footfall on Dask, checked against the one-machine run.

A week of log from tests/gen/loggen, cut into one file per day, goes through
`footfall map` (one task per day, on two worker processes), a shuffle of the
records by partition hash (dask.bag groupby, tasks shuffle), a sort by
(hash, time) within each partition and `footfall reduce` per partition; the
reducers' armored states go to `footfall merge`, whose JSON report with
--top 0 must equal, byte for byte, the report of `footfall` over the seven
files.  This is also the Dask recipe of the man page (DISTRIBUTED RUNS).

    python3 dask_mapreduce.py --footfall BIN --loggen BIN --config FILE

Exit status 0 when equal, 1 with what differs, 77 (skipped) when
dask.distributed cannot be imported and FOOTFALL_REQUIRE_DASK is unset.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

SITE = 'www.example.com'
PARTITIONS = 3
# No command may hang the test: footfall takes well under a second here.
STEP_TIMEOUT = 120


def footfall_cmd(args, *words):
    """footfall's command line with the options that decide counts, the same
    for map, reduce, merge and the one-machine run."""
    return [args.footfall] + list(words) + ['--config', args.config, '--site', SITE]


def run(cmd, cwd, stdin=None):
    """Runs cmd; its standard output, or an error naming the command, its
    exit status and its standard error."""
    p = subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=STEP_TIMEOUT, check=False)
    if p.returncode != 0:
        raise RuntimeError('%s: exit status %d\n%s' % (' '.join(cmd), p.returncode,
                                                       p.stderr.decode('utf-8', 'replace')))
    return p.stdout


def worker_address():
    from distributed import get_worker
    return get_worker().address


def map_day(args, work, day):
    """The map task: footfall map over one day's file, as (hash, time key,
    line, the worker that mapped it) tuples."""
    out = run(footfall_cmd(args, 'map') + [day], work)
    here = worker_address()
    records = []
    for rec in out.splitlines():
        fields = rec.split(b'\t', 2)
        if len(fields) != 3 or len(fields[0]) != 16:
            raise RuntimeError('footfall map %s wrote a malformed record: %r' % (day, rec[:120]))
        records.append((fields[0], fields[1], fields[2], here))
    return records


def reduce_partition(args, work, groups):
    """The reduce task: one partition of the shuffle, sorted by (hash, time
    key) as strings, through footfall reduce; its armored state line and
    where the records came from."""
    records = sorted((r for _, rs in groups for r in rs), key=lambda r: (r[0], r[1]))
    result = {'worker': worker_address(), 'records': len(records),
              'mapped_on': sorted({r[3] for r in records}), 'state': b''}
    if records:
        stdin = b''.join(b'%s\t%s\t%s\n' % r[:3] for r in records)
        result['state'] = run(footfall_cmd(args, 'reduce'), work, stdin)
    return [result]


def make_days(args, work):
    """A week of log cut into day files (in date order) by the date of each
    line, as a cron job's rotated logs would be."""
    with open(os.path.join(work, 'week.log'), 'wb') as f:
        subprocess.run([args.loggen, '--lines', '30000', '--days', '7', '--seed', '5'], stdout=f,
                       check=True, timeout=STEP_TIMEOUT)
    subprocess.run(['awk', '{ d = substr($4, 2, 11); if (!(d in n)) n[d] = ++k; print > ("day-" n[d] ".log") }',
                    'week.log'], cwd=work, check=True, timeout=STEP_TIMEOUT)
    days = sorted((f for f in os.listdir(work) if f.startswith('day-')), key=lambda f: int(f[4:-4]))
    if len(days) != 7:
        raise RuntimeError('the week was cut into %d days, not 7: %s' % (len(days), days))
    return days


def distributed_run(args, work, days):
    import dask.bag as db
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host='127.0.0.1',
                           dashboard_address=None, silence_logs=40,
                           local_directory=os.path.join(work, 'dask'))
    try:
        with Client(cluster) as client:
            workers = sorted(client.scheduler_info()['workers'])
            if len(workers) != 2:
                raise RuntimeError('the cluster has %d workers, not 2' % len(workers))
            # One map task per day, on both workers in turn, so the shuffle
            # has data to move between the processes.
            mapped = [client.submit(map_day, args, work, day, workers=[workers[i % 2]], pure=False)
                      for i, day in enumerate(days)]
            records = db.from_delayed(mapped)
            # Grouped on the hash as a number: Python's hash of bytes
            # differs between processes, which would send one key to two
            # partitions.  The tasks shuffle keeps the number of partitions;
            # joining neighbours keeps every key in one of PARTITIONS.
            shuffled = records.groupby(lambda r: int(r[0], 16), shuffle='tasks').repartition(PARTITIONS)
            results = shuffled.map_partitions(lambda groups: reduce_partition(args, work, groups)).compute()
    finally:
        cluster.close()
    return results


def check_shuffle(results, n_records):
    """The shuffle is real: every record reached one reducer, and some
    reducer got records mapped on both worker processes."""
    got = sum(r['records'] for r in results)
    if got != n_records:
        raise RuntimeError('the reducers got %d records, the mappers wrote %d' % (got, n_records))
    if not any(len(r['mapped_on']) == 2 for r in results):
        raise RuntimeError('no reducer got records from both workers: %s' % results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--footfall', required=True)
    ap.add_argument('--loggen', required=True)
    ap.add_argument('--config', required=True)
    args = ap.parse_args()
    try:
        import dask.distributed  # noqa: F401
    except ImportError as e:
        if os.environ.get('FOOTFALL_REQUIRE_DASK'):
            print('dask: FAIL: cannot import dask.distributed (%s), and FOOTFALL_REQUIRE_DASK is set' % e)
            return 1
        print('dask: SKIP: cannot import dask.distributed (Debian package python3-distributed): %s' % e)
        return 77
    args.footfall = os.path.abspath(args.footfall)
    args.loggen = os.path.abspath(args.loggen)
    args.config = os.path.abspath(args.config)

    work = tempfile.mkdtemp(prefix='footfall-dask.')
    try:
        days = make_days(args, work)
        results = distributed_run(args, work, days)
        n_records = 0
        for day in days:
            with open(os.path.join(work, day), 'rb') as f:
                n_records += sum(1 for _ in f) + 1  # its lines and its facts record
        check_shuffle(results, n_records)
        states = []
        for i, r in enumerate(results):
            if not r['state']:
                continue
            if not r['state'].startswith(b'footfall-state:') or r['state'].count(b'\n') != 1 \
                    or not r['state'].endswith(b'\n'):
                raise RuntimeError('reducer %d wrote no armored state line: %r' % (i, r['state'][:120]))
            states.append('part-%05d' % i)
            with open(os.path.join(work, states[-1]), 'wb') as f:
                f.write(r['state'])
        with open(os.path.join(work, 'states.txt'), 'wb') as f:
            f.write(b''.join(r['state'] for r in results))

        report = ['--format', 'json', '--top', '0']
        want = run(footfall_cmd(args) + report + days, work)
        failed = False
        for what, files in (('merge of %d state files' % len(states), states),
                            ('merge of the states catenated in one file', ['states.txt'])):
            got = run(footfall_cmd(args, 'merge') + report + files, work)
            if got == want:
                print('ok %s equals the one-machine run (%d bytes)' % (what, len(want)))
                continue
            failed = True
            print('FAIL %s differs from the one-machine run:' % what)
            diff = difflib.unified_diff(want.decode('utf-8', 'replace').splitlines(),
                                        got.decode('utf-8', 'replace').splitlines(),
                                        'footfall DAYS', 'footfall merge', lineterm='', n=2)
            for i, line in enumerate(diff):
                if i == 200:
                    print('... (diff cut at 200 lines)')
                    break
                print(line)
        print('dask: %d records from %d days through %d reducers on 2 workers' % (n_records, len(days), len(results)))
        return 1 if failed else 0
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        print('FAIL %s' % e)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
