#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a generated corpus through gloss-cli, next to the plain tools.

  bench-corpus.py GLOSS_CLI [--annotations N] [--documents N] [--characters N]

Generates a Gloss XML corpus (tests/gen-corpus.py: interview transcripts,
three dimensions, two analysts) and times, in the same run on the same
files, each gloss-cli step beside the tool that does the least the step
must do: import and validate beside `xmllint --stream` reading the file;
check beside `sqlite3 FILE 'PRAGMA integrity_check'`; export beside
`xmllint --stream` reading the export.  Also GLOSS_BENCH_ANNOTATIONS.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, **kwargs):
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.monotonic() - t0


def best_of(n, cmd):
    return min(timed(cmd) for _ in range(n))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('cli')
    parser.add_argument('--annotations', type=int,
                        default=int(os.environ.get('GLOSS_BENCH_ANNOTATIONS', '50000')))
    parser.add_argument('--documents', type=int, default=20)
    parser.add_argument('--characters', type=int, default=50000)
    args = parser.parse_args()

    for tool in ('xmllint', 'sqlite3'):
        if shutil.which(tool) is None:
            print('bench-corpus: %s is not installed' % tool, file=sys.stderr)
            return 77

    with tempfile.TemporaryDirectory(prefix='gloss-bench-corpus-') as tmp:
        corpus = os.path.join(tmp, 'corpus.xml')
        project = os.path.join(tmp, 'corpus.gloss')
        export = os.path.join(tmp, 'export.xml')

        t_gen = timed([sys.executable, os.path.join(HERE, 'gen-corpus.py'), '-o', corpus,
                       '--documents', str(args.documents), '--characters', str(args.characters),
                       '--annotations', str(args.annotations)])
        size = os.path.getsize(corpus) / 1e6
        print('# Generated corpus: %d transcripts of about %d characters, %d annotations by 2 '
              'analysts, %.1f MB of Gloss XML (%.1f s)'
              % (args.documents, args.characters, args.annotations, size, t_gen))

        t_xmllint = best_of(3, ['xmllint', '--stream', '--noout', corpus])
        t_validate = timed([args.cli, 'validate', corpus])
        subprocess.run([args.cli, 'new', project, '--empty'], check=True, stdout=subprocess.DEVNULL)
        t_import = timed([args.cli, 'import', project, corpus])
        t_integrity = best_of(3, ['sqlite3', project, 'PRAGMA integrity_check'])
        t_check = timed([args.cli, 'check', project])
        t_export = timed([args.cli, 'export', project, '--format', 'xml', '-o', export])
        t_xmllint_export = best_of(3, ['xmllint', '--stream', '--noout', export])

        rows = [
            ('read the corpus, xmllint --stream', t_xmllint, None, None),
            ('validate the corpus (RELAX NG)', t_validate, t_xmllint, 'xmllint --stream'),
            ('import the corpus into a new project', t_import, t_xmllint, 'xmllint --stream'),
            ('check the project (integrity, invariants, quotes)', t_check, t_integrity,
             'sqlite3 integrity_check'),
            ('export the project as Gloss XML', t_export, t_xmllint_export, 'xmllint --stream'),
        ]
        for label, t, base, base_name in rows:
            if base is None:
                print('%s: %.2f s' % (label, t))
            else:
                print('%s: %.2f s (%.2f x %s)' % (label, t, t / base, base_name))
        print('sqlite3 integrity_check of the project: %.2f s' % t_integrity)
        print('import rate: %.0f annotations/s' % (args.annotations / t_import))
        print('project size: %.1f MiB' % (os.path.getsize(project) / 1048576))
    return 0


if __name__ == '__main__':
    sys.exit(main())
