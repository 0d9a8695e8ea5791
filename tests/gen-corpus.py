#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generates realistic synthetic interview corpora for benchmarks and tests.

  gen-corpus.py --format xml -o corpus.xml [--documents 20] [--characters 50000]
                [--annotations 10000] [--annotators 2] [--seed 1]
  gen-corpus.py --format txt -o DIR [--documents 20] [--characters 50000]

Transcripts read like the bundled interview: numbered questions with
answers, or "NAME: text" turns with [hh:mm:ss] timestamps, about states,
organisations and themes of the default codebook, with curly quotes, dashes
and the odd emoji (so code points, UTF-8 bytes and UTF-16 units differ).

--format xml writes one Gloss XML file (valid against data/gloss.rng;
`gloss-cli import` takes it) with the default codebook's Actors, Themes and
Stance dimensions and the annotations of several analysts: each analyst
codes the sentences that name an actor, mostly agreeing with the others
(same spans, same codes), sometimes not, so agreement figures are neither 0
nor 1.  Everything follows from --seed: the same arguments give the same
bytes.
"""

import argparse
import datetime
import hashlib
import os
import random
import sys
import uuid
from xml.sax.saxutils import escape, quoteattr

ACTORS = {
    'Pakistan': ['Pakistan', 'Islamabad'],
    'Russia': ['Russia', 'Moscow', 'the Kremlin'],
    'India': ['India', 'New Delhi'],
    'United States': ['the United States', 'Washington'],
    'China': ['China', 'Beijing'],
    'Afghanistan': ['Afghanistan', 'Kabul'],
    'Taliban': ['the Taliban'],
    'Uzbekistan': ['Uzbekistan', 'Tashkent'],
    'SCO': ['the SCO', 'the Shanghai Cooperation Organisation'],
}
THEMES = {
    'Connectivity': ['the railway', 'trade corridors', 'the northern route'],
    'Energy': ['the gas pipeline', 'energy deals', 'oil supplies'],
    'Counter-terrorism': ['joint drills', 'border security', 'militant groups'],
    'Cold War legacy and mistrust': ['old suspicions', 'the memory of the 1980s'],
    'Diversification of partnerships': ['new partners', 'a balanced foreign policy'],
}
STANCES = ['cooperative', 'neutral', 'competitive']
VERBS = ['is deepening its ties with', 'remains wary of', 'has reached out to',
         'keeps a careful distance from', 'is negotiating with', 'has quietly courted']
CLOSERS = ['over {theme}', 'because of {theme}', 'despite {theme}', 'through {theme}']
FILLERS = [
    'That is the short answer.', 'It is not a simple story.',
    'Let me put it another way.', 'We should not exaggerate this.',
    'Nobody in the region expected it — least of all the diplomats.',
    'The numbers tell a “different” story 📈.', 'History matters here.',
]
QUESTIONS = [
    'How do you see the relationship between {a} and {b} today?',
    'What role does {theme} play in it?',
    'Is {a} changing its course?',
    'What should we expect in the next five years?',
    'Where does {b} fit into this picture?',
]
SPEAKERS = [('INTERVIEWER', 'ANALYST'), ('Q', 'A'), ('MODERATOR', 'DR. KHAN')]


def sentence(rng):
    """A sentence and the (actor, theme) names it mentions."""
    a, b = rng.sample(sorted(ACTORS), 2)
    theme = rng.choice(sorted(THEMES))
    text = '%s %s %s %s.' % (rng.choice(ACTORS[a]), rng.choice(VERBS), rng.choice(ACTORS[b]),
                             rng.choice(CLOSERS).format(theme=rng.choice(THEMES[theme])))
    return text[0].upper() + text[1:], [a, b], theme


def question(rng):
    a, b = rng.sample(sorted(ACTORS), 2)
    theme = rng.choice(sorted(THEMES))
    return rng.choice(QUESTIONS).format(a=rng.choice(ACTORS[a]), b=rng.choice(ACTORS[b]),
                                        theme=rng.choice(THEMES[theme]))


def transcript(rng, characters):
    """Text of about @characters code points, and the coded sentences in it
    as (start, end, actors, theme) in code points."""
    numbered = rng.random() < 0.5
    interviewer, interviewee = rng.choice(SPEAKERS)
    parts = []
    spans = []
    length = 0
    seconds = 0
    n = 0

    def add(text):
        nonlocal length
        parts.append(text)
        length += len(text)

    add('Interview %d — transcript\n\n' % rng.randint(1, 999))
    while length < characters:
        n += 1
        seconds += rng.randint(20, 90)
        stamp = '[%02d:%02d:%02d] ' % (seconds // 3600, seconds // 60 % 60, seconds % 60)
        if numbered:
            add('%d. %s\n' % (n, question(rng)))
        else:
            add('%s: %s%s\n' % (interviewer, stamp, question(rng)))
        if not numbered:
            add('%s: %s' % (interviewee, stamp))
        for _ in range(rng.randint(2, 7)):
            if rng.random() < 0.25:
                add(rng.choice(FILLERS) + ' ')
                continue
            text, actors, theme = sentence(rng)
            spans.append((length, length + len(text), actors, theme))
            add(text + ' ')
        parts[-1] = parts[-1].rstrip(' ')
        length = sum(len(p) for p in parts)
        add('\n\n')
    return ''.join(parts).rstrip('\n') + '\n', spans


def stamp(dt):
    return dt.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (dt.microsecond // 1000)


def write_xml(args, rng, out):
    def new_uuid():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    when = datetime.datetime(2026, 11, 28, 9, 0, 0)
    annotators = [(new_uuid(), 'analyst%d' % (i + 1)) for i in range(args.annotators)]
    codes = {}

    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w('<gloss xmlns="urn:glossapp:gloss:1" version="1" project=%s exported=%s>\n'
      % (quoteattr(new_uuid()), quoteattr(stamp(when))))
    w('  <annotators>\n')
    for u, name in annotators:
        w('    <annotator uuid=%s name=%s/>\n' % (quoteattr(u), quoteattr(name)))
    w('  </annotators>\n  <dimensions>\n')
    palette = ['#1c71d8', '#26a269', '#e5a50a', '#c01c28', '#813d9c', '#865e3c', '#2190a4']
    for dim, kind, multiple, names in (('Actors', 'actor', 'true', sorted(ACTORS)),
                                       ('Themes', 'theme', 'true', sorted(THEMES)),
                                       ('Stance', 'stance', 'false', STANCES)):
        w('    <dimension uuid=%s name=%s kind="%s" multiple="%s" level="%s" modified=%s '
          'revision="1">\n' % (quoteattr(new_uuid()), quoteattr(dim), kind, multiple,
                               'ordinal' if dim == 'Stance' else 'nominal', quoteattr(stamp(when))))
        for i, name in enumerate(names):
            codes[(dim, name)] = new_uuid()
            w('      <code uuid=%s name=%s color="%s" modified=%s revision="1"/>\n'
              % (quoteattr(codes[(dim, name)]), quoteattr(name), palette[i % len(palette)],
                 quoteattr(stamp(when))))
        w('    </dimension>\n')
    w('  </dimensions>\n  <documents>\n')

    documents = []
    for d in range(args.documents):
        text, spans = transcript(rng, args.characters)
        doc_uuid = new_uuid()
        documents.append((doc_uuid, text, spans))
        w('    <document uuid=%s title=%s sha256="%s" length="%d" imported=%s modified=%s '
          'revision="1">\n' % (quoteattr(doc_uuid), quoteattr('Interview %d' % (d + 1)),
                               hashlib.sha256(text.encode('utf-8')).hexdigest(), len(text),
                               quoteattr(stamp(when)), quoteattr(stamp(when))))
        w('      <attribute key="place">%s</attribute>\n'
          % escape(rng.choice(['Lahore', 'Karachi', 'Moscow', 'Online'])))
        w('      <text>\n')
        # Chunks of at most 16 Ki code points (≤ 64 KiB of UTF-8).
        for i in range(0, len(text), 16384):
            w('        <chunk>%s</chunk>\n' % escape(text[i:i + 16384]))
        w('      </text>\n    </document>\n')
    w('  </documents>\n  <annotations>\n')

    # Each analyst codes sentences that name actors; the first analyst's
    # choices are the reference, the others agree most of the time.
    all_spans = [(doc, s) for doc, _, spans in documents for s in spans]
    per_annotator = max(1, args.annotations // max(1, args.annotators))
    chosen = [(rng.choice(all_spans), rng.choice(STANCES)) for _ in range(per_annotator)] \
        if all_spans else []
    for a_uuid, _ in annotators:
        for (doc_uuid, (start, end, actors, theme)), reference_stance in chosen:
            text = next(t for u, t, _ in documents if u == doc_uuid)
            if rng.random() < 0.15:
                # A disagreement: a shorter span, or other codes.
                start = min(end - 1, start + rng.randint(0, 12))
                actors = actors[:1]
                theme = rng.choice(sorted(THEMES))
            stance = reference_stance if rng.random() < 0.8 else rng.choice(STANCES)
            refs = [codes[('Actors', x)] for x in actors] + [codes[('Themes', theme)],
                                                              codes[('Stance', stance)]]
            created = when + datetime.timedelta(seconds=rng.randint(0, 86400))
            w('    <annotation uuid=%s document=%s start="%d" end="%d" annotator=%s created=%s '
              'modified=%s revision="1" status="unreviewed">\n'
              % (quoteattr(new_uuid()), quoteattr(doc_uuid), start, end, quoteattr(a_uuid),
                 quoteattr(stamp(created)), quoteattr(stamp(created))))
            w('      <quote>%s</quote>\n' % escape(text[start:end]))
            for ref in dict.fromkeys(refs):
                w('      <code ref=%s/>\n' % quoteattr(ref))
            w('    </annotation>\n')
    w('  </annotations>\n</gloss>\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--format', choices=['xml', 'txt'], default='xml')
    parser.add_argument('-o', '--output', required=True,
                        help='the XML file, or the folder for the .txt transcripts')
    parser.add_argument('--documents', type=int, default=20)
    parser.add_argument('--characters', type=int, default=50000,
                        help='about this many characters per transcript')
    parser.add_argument('--annotations', type=int, default=10000, help='in all (xml)')
    parser.add_argument('--annotators', type=int, default=2)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    if args.format == 'txt':
        os.makedirs(args.output, exist_ok=True)
        for d in range(args.documents):
            text, _ = transcript(rng, args.characters)
            with open(os.path.join(args.output, 'interview-%03d.txt' % (d + 1)), 'w',
                      encoding='utf-8', newline='\n') as f:
                f.write(text)
    else:
        with open(args.output, 'w', encoding='utf-8', newline='\n') as f:
            write_xml(args, rng, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
