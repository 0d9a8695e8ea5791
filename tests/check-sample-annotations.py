#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the example annotations that come with the sample interview.

Usage: check-sample-annotations.py ANNOTATIONS.json INTERVIEW.txt CODEBOOK.json
(prints TAP)

Every quote must occur in the interview at least `occurrence` times (1-based),
counted the same whether occurrences may overlap or not, so the engine's
search cannot pick a different span; every code path must exist in the
codebook, with at most one code of a single-valued dimension per annotation.
"""

import copy
import json
import re
import sys

from glossdata import Tap, code_paths

ANNOTATION_KEYS = {'quote', 'occurrence', 'codes', 'note'}
MIN_ANNOTATIONS = 8
MAX_ANNOTATIONS = 15


def find_all(text, quote, step_past_match):
    """Code point offsets of every match; after a match the search resumes at
    its end (step_past_match) or one character later."""
    starts = []
    i = text.find(quote)
    while i >= 0:
        starts.append(i)
        i = text.find(quote, i + (len(quote) if step_past_match else 1))
    return starts


def locate(text, ann):
    """(start, end) in code points of an annotation, or None."""
    starts = find_all(text, ann['quote'], True)
    n = ann['occurrence']
    if not 1 <= n <= len(starts):
        return None
    return starts[n - 1], starts[n - 1] + len(ann['quote'])


def check_structure(sample):
    problems = []
    if not isinstance(sample, dict) or set(sample) != {'annotator', 'annotations'}:
        return ['top level must be an object with exactly "annotator" and "annotations"']
    if sample['annotator'] != 'Example':
        problems.append('the annotator must be "Example", not %r' % (sample['annotator'],))
    anns = sample['annotations']
    if not isinstance(anns, list):
        return problems + ['"annotations" must be a list']
    if not MIN_ANNOTATIONS <= len(anns) <= MAX_ANNOTATIONS:
        problems.append('%d annotations; the sample has %d to %d'
                        % (len(anns), MIN_ANNOTATIONS, MAX_ANNOTATIONS))
    for i, a in enumerate(anns):
        w = 'annotations[%d]' % i
        if not isinstance(a, dict):
            problems.append('%s: must be an object' % w)
            continue
        unknown = set(a) - ANNOTATION_KEYS
        if unknown:
            problems.append('%s: unknown keys %s' % (w, sorted(unknown)))
        if not isinstance(a.get('quote'), str) or not a.get('quote'):
            problems.append('%s: quote must be a non-empty string' % w)
        occ = a.get('occurrence')
        if not isinstance(occ, int) or isinstance(occ, bool) or occ < 1:
            problems.append('%s: occurrence must be an integer ≥ 1' % w)
        codes = a.get('codes')
        if (not isinstance(codes, list) or not codes
                or not all(isinstance(c, str) and c for c in codes)):
            problems.append('%s: codes must be a non-empty list of code paths' % w)
        if 'note' in a and (not isinstance(a['note'], str) or not a['note'].strip()):
            problems.append('%s: a note, when present, is a non-empty string' % w)
    return problems


def check_quotes(sample, text):
    problems = []
    for i, a in enumerate(sample['annotations']):
        q, n = a['quote'], a['occurrence']
        short = q if len(q) <= 50 else q[:47] + '…'
        stepping = find_all(text, q, True)
        sliding = find_all(text, q, False)
        if len(stepping) < n:
            problems.append('annotations[%d]: %r occurs %d time(s), not %d'
                            % (i, short, len(stepping), n))
        elif stepping != sliding:
            problems.append('annotations[%d]: %r overlaps itself in the text, so its '
                            'occurrences are ambiguous' % (i, short))
    return problems


def check_boundaries(sample, text):
    """Spans neither cut a word nor start or end with blanks."""
    problems = []
    for i, a in enumerate(sample['annotations']):
        span = locate(text, a)
        if span is None:
            continue
        s, e = span
        if a['quote'] != a['quote'].strip():
            problems.append('annotations[%d]: quote starts or ends with blanks' % i)
        if s > 0 and text[s - 1].isalnum() and text[s].isalnum():
            problems.append('annotations[%d]: starts inside a word' % i)
        if e < len(text) and text[e - 1].isalnum() and text[e].isalnum():
            problems.append('annotations[%d]: ends inside a word' % i)
        if '\n' in a['quote']:
            problems.append('annotations[%d]: spans more than one paragraph' % i)
    return problems


def interview_body(text):
    """(start, end) of the questions and answers: from question 1 to the
    author's biography."""
    m = re.search(r'^[^\S\n]*1\. ', text, re.M)
    end = text.find('\nAndrew Korybko is ')
    return (m.start() if m else 0), (end if end >= 0 else len(text))


def check_placement(sample, text):
    """Inside the interview proper, never on a "Read more:" link line, and
    spread over the answers to at least six different questions."""
    problems = []
    body_start, body_end = interview_body(text)
    questions = [m.start() for m in re.finditer(r'^[^\S\n]*\d+\. ', text, re.M)]
    answered = set()
    for i, a in enumerate(sample['annotations']):
        span = locate(text, a)
        if span is None:
            continue
        s, e = span
        line_start = text.rfind('\n', 0, s) + 1
        if text.startswith('Read more:', line_start):
            problems.append('annotations[%d]: on a "Read more:" link line' % i)
        if not (body_start <= s and e <= body_end):
            problems.append('annotations[%d]: outside the questions and answers' % i)
        answered.add(sum(1 for q in questions if q <= s))
    if len(answered) < 6:
        problems.append('annotations fall under only %d question(s)' % len(answered))
    return problems


def check_overlap(sample, text):
    spans = [locate(text, a) for a in sample['annotations']]
    spans = sorted(s for s in spans if s is not None)
    for i, (s1, e1) in enumerate(spans):
        for s2, e2 in spans[i + 1:]:
            if s2 < e1 and (s1, e1) != (s2, e2):
                return []
    return ['no two annotations overlap; the sample should show overlapping spans']


def check_codes(sample, codebook):
    problems = []
    paths = code_paths(codebook)
    for i, a in enumerate(sample['annotations']):
        seen = set()
        per_dim = {}
        for p in a['codes']:
            if p in seen:
                problems.append('annotations[%d]: %s is listed twice' % (i, p))
            seen.add(p)
            dim = paths.get(p)
            if dim is None:
                problems.append('annotations[%d]: %s is not a code of the codebook' % (i, p))
                continue
            per_dim.setdefault(dim['name'], []).append(p)
        for name, ps in per_dim.items():
            dim = next(d for d in codebook['dimensions'] if d['name'] == name)
            if not dim['multiple'] and len(ps) > 1:
                problems.append('annotations[%d]: %s is single-valued but has %s'
                                % (i, name, ', '.join(ps)))
    return problems


def check_coverage(sample, codebook):
    """Every dimension is used, and some annotation has no stance (optional)."""
    used = {p.split('/', 1)[0] for a in sample['annotations'] for p in a['codes']}
    problems = ['dimension %s is never used' % d['name']
                for d in codebook['dimensions'] if d['name'] not in used]
    if all(any(p.startswith('Stance/') for p in a['codes']) for a in sample['annotations']):
        problems.append('every annotation has a stance; show that it is optional')
    return problems


def self_tests(tap, sample, text, codebook):
    def mutated(i, key, value):
        s = copy.deepcopy(sample)
        if value is None:
            s['annotations'][i].pop(key)
        else:
            s['annotations'][i][key] = value
        return s

    first = sample['annotations'][0]
    cases = [
        ('a quote missing from the text', check_quotes,
         mutated(0, 'quote', first['quote'] + ' Indeed.'), text),
        ('an occurrence past the last one', check_quotes, mutated(0, 'occurrence', 2), text),
        ('a quote differing only in its apostrophe', check_quotes,
         mutated(0, 'quote', 'That\'s not to say'), text),
        ('a self-overlapping quote', check_quotes, mutated(0, 'quote', 'aa'), 'xaaay'),
        ('an unknown code path', check_codes,
         mutated(0, 'codes', ['Actors/Atlantis']), codebook),
        ('a child code written without its parent', check_codes,
         mutated(0, 'codes', ['Actors/Uzbekistan']), codebook),
        ('two codes of the single-valued Stance', check_codes,
         mutated(0, 'codes', ['Stance/neutral', 'Stance/cooperative']), codebook),
        ('a repeated code', check_codes,
         mutated(0, 'codes', ['Actors/Russia', 'Actors/Russia']), codebook),
        ('a span cutting a word', check_boundaries,
         mutated(0, 'quote', 'certainly have buried the hatch'), text),
        ('a span on a "Read more:" line', check_placement,
         mutated(0, 'quote', 'States run by the deep states?'), text),
        ('a span in the biography', check_placement,
         mutated(0, 'quote', 'radio host'), text),
    ]
    for what, check, bad, other in cases:
        tap.rejects('%s rejects %s' % (check.__name__, what), check(bad, other))

    for what, bad in [
            ('an unknown key', mutated(0, 'offset', 5)),
            ('a zero occurrence', mutated(0, 'occurrence', 0)),
            ('an empty code list', mutated(0, 'codes', [])),
            ('another annotator', dict(sample, annotator='Somebody')),
            ('too few annotations', dict(sample, annotations=sample['annotations'][:3]))]:
        tap.rejects('check_structure rejects %s' % what, check_structure(bad))

    nested = copy.deepcopy(sample)
    nested['annotations'] = [a for a in nested['annotations']
                             if a['quote'] != 'US-Indian anti-Chinese alliance']
    tap.rejects('check_overlap rejects a sample without overlaps',
                check_overlap(nested, text))


def main(argv):
    if len(argv) != 4:
        print('usage: %s ANNOTATIONS.json INTERVIEW.txt CODEBOOK.json' % argv[0],
              file=sys.stderr)
        return 2
    tap = Tap()
    try:
        with open(argv[1], encoding='utf-8') as f:
            sample = json.load(f)
        with open(argv[2], encoding='utf-8', newline='') as f:
            text = f.read()
        with open(argv[3], encoding='utf-8') as f:
            codebook = json.load(f)
    except (OSError, ValueError) as e:
        tap.check(False, 'inputs load', [str(e)])
        return tap.done()
    tap.check(True, 'inputs load')

    structure = check_structure(sample)
    tap.problems('structure matches what the loader reads', structure)
    if structure:
        return tap.done()
    tap.problems('every quote occurs in the interview with its occurrence', check_quotes(sample, text))
    tap.problems('every code path exists in the codebook', check_codes(sample, codebook))
    tap.problems('spans start and end on word boundaries', check_boundaries(sample, text))
    tap.problems('spans lie in the interview and spread over it', check_placement(sample, text))
    tap.problems('at least two spans overlap', check_overlap(sample, text))
    tap.problems('all dimensions are used; stance is optional', check_coverage(sample, codebook))
    for a in sample['annotations']:
        span = locate(text, a)
        if span:
            print('# [%5d, %5d) %s' % (span[0], span[1], ', '.join(a['codes'])))
    self_tests(tap, sample, text, codebook)
    return tap.done()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
