#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs every benchmark (meson test --benchmark) and prints one table.

  tests/bench-report.py [-C BUILDDIR] [--markdown] [--from-log FILE] [BENCHMARK…]

Each benchmark prints its own figures; this collects them into rows of
benchmark, measure, Gloss's figure, the baseline measured in the same run
(the sqlite3 tool, xmllint --stream, a plain GtkTextView…) and the ratio.
Lines are read as benchmarks print them:

  label   12.3 ms   45.6 ms   0.27     a row under a header naming the columns
  label: 1.46 s (0.18 x sqlite3)       a figure with its ratio to a baseline
  label: 1.46 s ...                    a figure alone

--from-log reads a meson JSON test log instead of running anything (the
window benchmark needs a display: run this under xvfb-run -a).
--markdown prints the table for the README's Performance section.
"""

import argparse
import json
import os
import re
import subprocess
import sys

NUM = r'(-?\d+(?:[.,]\d+)*(?:\.\d+)?)'
UNIT = r'(ms|µs|us|s|MiB|MB|KiB|kB|GiB|GB|%|x|/s|annotations/s|spans/s|frames)?'

ROW_TWO = re.compile(r'^(?P<label>\S.*?)\s{2,}' + NUM + r'\s*' + UNIT + r'\s+' + NUM + r'\s*' + UNIT +
                     r'(?:\s+' + NUM + r'\s*x?)?\s*$')
WITH_RATIO = re.compile(r'^(?P<label>.+?):\s+' + NUM + r'\s*' + UNIT +
                        r'\b.*?\(\s*' + NUM + r'\s*x\s+(?P<base>[^)]+?)\)')
ONE = re.compile(r'^(?P<label>[^:]+?)(?::|\s{2,})\s*' + NUM + r'\s*' + UNIT + r'(?:\s|$|,)')


def number(text):
    return float(text.replace(',', ''))


def parse(name, stdout):
    """Rows (benchmark, measure, value, baseline, ratio) from one output."""
    rows = []
    header = None
    section = name
    for raw in stdout.splitlines():
        line = raw.rstrip()
        if not line.strip():
            header = None
            continue
        if line.startswith('#'):
            section = name
            continue
        words = re.split(r'\s{2,}', line.strip())
        if len(words) >= 3 and not re.search(r'(?<![\w.])\d', line):
            header = words  # e.g. benchmark | gloss | sqlite3 | ratio
            continue
        m = ROW_TWO.match(line)
        if m and header:
            label = m.group('label').strip()
            a, ua, b, ub, ratio = m.group(2), m.group(3) or '', m.group(4), m.group(5) or '', m.group(6)
            names = [w for w in header if w not in ('benchmark', 'ratio', '')]
            left = names[-2] if len(names) >= 2 else 'Gloss'
            right = names[-1] if names else 'baseline'
            # The baseline is the column named for it (sqlite3, xmllint, a
            # plain view); the ratio is always Gloss / baseline.
            if re.search(r'plain|sqlite|xmllint|baseline|gtk', left, re.I):
                left, right, a, ua, b, ub = right, left, b, ub, a, ua
                if ratio is not None and number(ratio) != 0:
                    ratio = None  # printed as annotated / plain: recomputed below
            value = '%s %s' % (a, ua)
            base = '%s %s (%s)' % (b, ub, right)
            if ratio is None and number(b) != 0:
                ratio = '%.2f' % (number(a) / number(b))
            if left.lower() not in ('gloss', 'gloss-cli'):
                label = '%s [%s]' % (label, left)
            rows.append((section, label, value.strip(), base, ratio or ''))
            continue
        m = WITH_RATIO.match(line)
        if m:
            value, unit, ratio = m.group(2), m.group(3) or '', m.group(4)
            base = m.group('base').strip()
            if number(ratio) != 0:
                base = ('%.3g %s (%s)' % (number(value) / number(ratio), unit, base)).replace('  ', ' ')
            rows.append((section, m.group('label').strip(), ('%s %s' % (value, unit)).strip(), base,
                         ratio))
            continue
        m = ONE.match(line)
        after = line[m.end():].lstrip() if m else ''
        if m and not m.group(3) and after[:1].isalpha():
            continue  # a count of things ("3911 positions"), not a figure
        if m and not line.lower().startswith(('setup', 'kept', 'target', 'source built')):
            rows.append((section, m.group('label').strip(),
                         ('%s %s' % (m.group(2), m.group(3) or '')).strip(), '', ''))
    return rows


def run_benchmarks(builddir, names):
    cmd = ['meson', 'test', '-C', builddir, '--benchmark', '--num-processes', '1',
           '--logbase', 'bench-report'] + names
    subprocess.run(cmd, check=False)
    return os.path.join(builddir, 'meson-logs', 'bench-report.json')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-C', dest='builddir', default='_build')
    parser.add_argument('--from-log', help='a meson JSON test log to read instead of running')
    parser.add_argument('--markdown', action='store_true')
    parser.add_argument('benchmarks', nargs='*')
    args = parser.parse_args()

    log = args.from_log or run_benchmarks(args.builddir, args.benchmarks)
    rows = []
    failed = []
    with open(log, encoding='utf-8', errors='replace') as f:
        for line in f:
            entry = json.loads(line)
            name = entry.get('name', '?').split(' / ')[-1]
            if entry.get('result') not in ('OK', 'EXPECTEDFAIL'):
                failed.append('%s (%s)' % (name, entry.get('result')))
            rows += parse(name, entry.get('stdout') or '')

    headers = ('Benchmark', 'Measure', 'Gloss', 'Baseline (same run)', 'Ratio')
    if args.markdown:
        print('| ' + ' | '.join(headers) + ' |')
        print('|' + '|'.join(['---'] * 3 + ['---', '--:']) + '|')
        for r in rows:
            print('| ' + ' | '.join(x.replace('|', '\\|') for x in r) + ' |')
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
                  for i, h in enumerate(headers)]
        print('  '.join(h.ljust(w) for h, w in zip(headers, widths)))
        print('  '.join('-' * w for w in widths))
        for r in rows:
            print('  '.join(x.ljust(w) for x, w in zip(r, widths)))
    for name in failed:
        print('benchmark %s did not finish' % name, file=sys.stderr)
    return 1 if failed or not rows else 0


if __name__ == '__main__':
    sys.exit(main())
