#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the default codebook, data/codebook.json.

Usage: check-codebook.py CODEBOOK.json       (prints TAP)

Colour rules, and why these thresholds:

* Contrast.  A code's colour is drawn as a thin band (or a tinted
  background) under the text, on libadwaita's light view background
  (#ffffff, #fafafa for sidebars) and on the dark one (#242424, #1e1e1e).
  Each colour must reach a WCAG 2.x contrast ratio of at least 2.0 against
  all four.  The usual floor for "visible at all" is 1.5; a band a few
  pixels high loses contrast to antialiasing, so we ask for 2.0.  The full
  WCAG 3:1 for graphics would confine every colour to luminance
  0.15–0.30 on both themes and leave too few distinct colours.  In practice
  this keeps relative luminance within about 0.09–0.45: no pastel that
  vanishes on white, no dark shade that vanishes on #1e1e1e.

* Distinctness.  Codes of one dimension may sit side by side and are
  matched against the sidebar's legend by memory, not side by side as
  large patches.  CIEDE2000 ΔE ≈ 2.3 is a just-noticeable difference for
  large adjacent patches; for small marks and for telling categories apart
  at a glance the difference must be several times larger.  We require
  ΔE00 ≥ 12 between every two codes of a dimension (the default palette's
  smallest difference is 13).  Codes of different dimensions may share a
  colour: each dimension has its own band.
"""

import copy
import json
import re
import sys

from glossdata import (Tap, all_codes, code_paths, contrast_ratio, ciede2000,
                       delta_e, parse_hex, walk_codes)

BACKGROUNDS = {
    'light view #ffffff': '#ffffff',
    'light sidebar #fafafa': '#fafafa',
    'dark view #242424': '#242424',
    'dark sidebar #1e1e1e': '#1e1e1e',
}
MIN_CONTRAST = 2.0
MIN_DELTA_E = 12.0
MAX_DESCRIPTION = 100

DIMENSION_KEYS = {'name', 'kind', 'multiple', 'level', 'memo', 'codes'}
CODE_KEYS = {'name', 'color', 'description', 'shortcut', 'children'}
KINDS = {'actor', 'theme', 'stance', 'other'}
LEVELS = {'nominal', 'ordinal'}

EXPECTED_DIMENSIONS = [
    ('Actors', 'actor', True, 'nominal'),
    ('Themes', 'theme', True, 'nominal'),
    ('Stance', 'stance', False, 'ordinal'),
]

# What an analyst of the sample interview needs (corpus README).
EXPECTED_CODES = [
    'Actors/Pakistan', 'Actors/Russia', 'Actors/India', 'Actors/United States',
    'Actors/China', 'Actors/Afghanistan', 'Actors/Taliban', 'Actors/ISIS-K',
    'Actors/Central Asian republics', 'Actors/Central Asian republics/Uzbekistan',
    'Actors/Soviet Union', 'Actors/SCO', 'Actors/UN Security Council',
    'Actors/Enlarged Troika',
    'Themes/Cold War legacy and mistrust', 'Themes/US-India alignment',
    'Themes/US-China New Cold War', 'Themes/Diversification of partnerships',
    'Themes/Connectivity', 'Themes/Connectivity/CPEC',
    'Themes/Connectivity/CPEC/CPEC branches',
    'Themes/Connectivity/Pakistan-Afghanistan-Uzbekistan railway',
    'Themes/Connectivity/Belt and Road', 'Themes/Counter-terrorism',
    'Themes/Refugees', 'Themes/Energy', 'Themes/Energy/Pakistan Stream Gas Pipeline',
    'Themes/Kashmir', 'Themes/Defence cooperation and arms',
    'Themes/Nuclear doctrine', 'Themes/Multilateral forums',
]


def check_structure(cb):
    """Exactly the shape the engine's loader reads; no unknown keys."""
    problems = []
    if not isinstance(cb, dict) or set(cb) != {'dimensions'}:
        return ['top level must be an object with the single key "dimensions"']
    dims = cb['dimensions']
    if not isinstance(dims, list) or not dims:
        return ['"dimensions" must be a non-empty list']

    def check_name(where, name):
        if not isinstance(name, str) or not name.strip():
            problems.append('%s: name must be a non-empty string' % where)
        elif name != name.strip() or any(ord(c) < 0x20 for c in name):
            problems.append('%s: name %r has surrounding blanks or control characters'
                            % (where, name))

    def check_codes(where, codes):
        if not isinstance(codes, list):
            problems.append('%s: "codes"/"children" must be a list' % where)
            return
        seen = set()
        for i, code in enumerate(codes):
            w = '%s[%d]' % (where, i)
            if not isinstance(code, dict):
                problems.append('%s: a code must be an object' % w)
                continue
            unknown = set(code) - CODE_KEYS
            if unknown:
                problems.append('%s: unknown keys %s' % (w, sorted(unknown)))
            for key in ('name', 'color', 'description'):
                if key not in code:
                    problems.append('%s: "%s" is missing' % (w, key))
            check_name(w, code.get('name'))
            if code.get('name') in seen:
                problems.append('%s: duplicate sibling name %r' % (w, code.get('name')))
            seen.add(code.get('name'))
            desc = code.get('description')
            if not isinstance(desc, str) or not desc.strip():
                problems.append('%s: description must be a non-empty string' % w)
            elif '\n' in desc or len(desc) > MAX_DESCRIPTION:
                problems.append('%s: description must be one line of at most %d characters'
                                % (w, MAX_DESCRIPTION))
            if 'children' in code:
                check_codes(w + '.children', code['children'])

    names = set()
    for i, dim in enumerate(dims):
        w = 'dimensions[%d]' % i
        if not isinstance(dim, dict):
            problems.append('%s: a dimension must be an object' % w)
            continue
        if set(dim) != DIMENSION_KEYS:
            problems.append('%s: keys must be exactly %s, not %s'
                            % (w, sorted(DIMENSION_KEYS), sorted(dim)))
        check_name(w, dim.get('name'))
        if dim.get('name') in names:
            problems.append('%s: duplicate dimension %r' % (w, dim.get('name')))
        names.add(dim.get('name'))
        if dim.get('kind') not in KINDS:
            problems.append('%s: kind must be one of %s' % (w, sorted(KINDS)))
        if not isinstance(dim.get('multiple'), bool):
            problems.append('%s: multiple must be true or false' % w)
        if dim.get('level') not in LEVELS:
            problems.append('%s: level must be one of %s' % (w, sorted(LEVELS)))
        if not isinstance(dim.get('memo'), str) or not dim.get('memo', '').strip():
            problems.append('%s: memo must be a non-empty string' % w)
        check_codes(w + '.codes', dim.get('codes'))
        if isinstance(dim.get('codes'), list) and not dim['codes']:
            problems.append('%s: a dimension needs codes' % w)
    return problems


def check_dimensions(cb):
    problems = []
    dims = {d.get('name'): d for d in cb.get('dimensions', []) if isinstance(d, dict)}
    for name, kind, multiple, level in EXPECTED_DIMENSIONS:
        d = dims.get(name)
        if d is None:
            problems.append('dimension %s is missing' % name)
        elif (d.get('kind'), d.get('multiple'), d.get('level')) != (kind, multiple, level):
            problems.append('dimension %s must be kind %s, multiple %s, level %s'
                            % (name, kind, multiple, level))
    return problems


def check_expected_codes(cb):
    paths = code_paths(cb)
    return ['code %s is missing' % p for p in EXPECTED_CODES if p not in paths]


def check_stance_order(cb):
    """Stance is ordinal, flat, and runs conflictual < … < neutral < … < cooperative."""
    dims = {d.get('name'): d for d in cb.get('dimensions', []) if isinstance(d, dict)}
    stance = dims.get('Stance')
    if stance is None:
        return ['dimension Stance is missing']
    codes = stance.get('codes', [])
    names = [c.get('name') for c in codes]
    problems = []
    if any(c.get('children') for c in codes):
        problems.append('an ordinal scale is flat: Stance codes have no children')
    if len(names) < 3 or names[0] != 'conflictual' or names[-1] != 'cooperative':
        problems.append('Stance must run from conflictual to cooperative, not %s' % names)
    elif 'neutral' not in names[1:-1]:
        problems.append('Stance needs neutral between its ends: %s' % names)
    elif names.index('neutral') != len(names) // 2 or len(names) % 2 != 1:
        problems.append('neutral must be the middle of a symmetric scale: %s' % names)
    return problems


def check_contrast(cb):
    problems = []
    for _dim, path, code in all_codes(cb):
        try:
            parse_hex(code.get('color'))
        except ValueError as e:
            problems.append('%s: %s' % (path, e))
            continue
        for bg_name, bg in BACKGROUNDS.items():
            ratio = contrast_ratio(code['color'], bg)
            if ratio < MIN_CONTRAST:
                problems.append('%s: %s has contrast %.2f against the %s background (needs %.1f)'
                                % (path, code['color'], ratio, bg_name, MIN_CONTRAST))
    return problems


def check_distinct(cb):
    problems = []
    for dim in cb.get('dimensions', []):
        if not isinstance(dim, dict):
            continue
        coloured = []
        for path, code, _depth in walk_codes(dim.get('codes', []), dim.get('name', '')):
            try:
                parse_hex(code.get('color'))
            except ValueError:
                continue  # reported by check_contrast
            coloured.append((path, code['color']))
        for i, (p1, c1) in enumerate(coloured):
            for p2, c2 in coloured[i + 1:]:
                d = delta_e(c1, c2)
                if d < MIN_DELTA_E:
                    problems.append('%s %s and %s %s differ by ΔE00 %.1f (needs %.0f)'
                                    % (p1, c1, p2, c2, d, MIN_DELTA_E))
    return problems


def smallest_delta_e(cb):
    best = None
    for dim in cb.get('dimensions', []):
        cs = [(p, c['color']) for p, c, _ in walk_codes(dim['codes'], dim['name'])]
        for i, (p1, c1) in enumerate(cs):
            for p2, c2 in cs[i + 1:]:
                d = delta_e(c1, c2)
                if best is None or d < best[0]:
                    best = (d, p1, p2)
    return best


def check_shortcuts(cb):
    problems = []
    seen = {}
    total = 0
    for _dim, path, code in all_codes(cb):
        total += 1
        if 'shortcut' not in code:
            continue
        s = code['shortcut']
        if not isinstance(s, str) or not re.fullmatch(r'[a-z0-9]', s):
            problems.append('%s: shortcut %r must be one lower-case letter or digit' % (path, s))
            continue
        if s in seen:
            problems.append('%s: shortcut %r is already used by %s' % (path, s, seen[s]))
        seen[s] = path
    if total and len(seen) >= total:
        problems.append('every code has a shortcut: leave rarely used codes without one')
    return problems


ALL_CHECKS = [
    ('structure matches what the loader reads', check_structure),
    ('Actors, Themes and Stance have the right kind, multiplicity and level', check_dimensions),
    ('every actor and theme of the sample interview has a code', check_expected_codes),
    ('Stance is an ordered scale from conflictual to cooperative', check_stance_order),
    ('colours are readable on light and dark backgrounds', check_contrast),
    ('colours within a dimension are distinct', check_distinct),
    ('shortcuts are single keys, unique across the codebook', check_shortcuts),
]


def self_tests(tap, cb):
    """The formulas against published values, and every check against a
    broken copy of the codebook: a check that cannot fail proves nothing."""
    # Sharma, Wu, Dalal (2005), table 1: pairs 1, 7, 17, 19, 20, 25.
    sharma = [
        ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
        ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
        ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
        ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
        ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ]
    bad = ['%s / %s: %.4f, expected %.4f' % (a, b, ciede2000(a, b), want)
           for a, b, want in sharma if abs(ciede2000(a, b) - want) > 1e-4
           or abs(ciede2000(b, a) - want) > 1e-4]
    tap.problems('CIEDE2000 matches Sharma et al.\'s test data', bad)

    bad = []
    for a, b, want in [('#ffffff', '#000000', 21.0), ('#777777', '#ffffff', 4.48),
                       ('#3584e4', '#3584e4', 1.0)]:
        if abs(contrast_ratio(a, b) - want) > 0.01:
            bad.append('%s / %s: %.2f, expected %.2f' % (a, b, contrast_ratio(a, b), want))
    tap.problems('WCAG contrast ratio matches known values', bad)

    def mutated(change):
        c = copy.deepcopy(cb)
        change(c)
        return c

    def dim(c, name):
        return next(d for d in c['dimensions'] if d['name'] == name)

    def code(c, dname, cname):
        return next(x for x in dim(c, dname)['codes'] if x['name'] == cname)

    def set_key(dname, cname, key, value):
        return lambda c: code(c, dname, cname).__setitem__(key, value)

    cases = [
        ('an unknown code key', check_structure, set_key('Actors', 'Russia', 'colour', '#000000')),
        ('a missing description', check_structure,
         lambda c: code(c, 'Actors', 'Russia').pop('description')),
        ('a two-line description', check_structure,
         set_key('Actors', 'Russia', 'description', 'one\ntwo')),
        ('duplicate sibling names', check_structure,
         set_key('Actors', 'India', 'name', 'Russia')),
        ('a bad level', check_structure, lambda c: dim(c, 'Stance').__setitem__('level', 'ratio')),
        ('a multiple-valued Stance', check_dimensions,
         lambda c: dim(c, 'Stance').__setitem__('multiple', True)),
        ('a missing actor', check_expected_codes,
         lambda c: dim(c, 'Actors')['codes'].remove(code(c, 'Actors', 'ISIS-K'))),
        ('a reversed Stance scale', check_stance_order,
         lambda c: dim(c, 'Stance')['codes'].reverse()),
        ('a pale yellow invisible on white', check_contrast,
         set_key('Themes', 'Kashmir', 'color', '#f9f06b')),
        ('a navy invisible on dark', check_contrast,
         set_key('Themes', 'Kashmir', 'color', '#1c1c40')),
        ('a colour in upper case', check_contrast,
         set_key('Themes', 'Kashmir', 'color', '#F66151')),
        ('two nearly equal reds', check_distinct,
         set_key('Actors', 'Soviet Union', 'color', '#e0202a')),
        ('a colour equal to a nested code\'s', check_distinct,
         set_key('Actors', 'Central Asian republics', 'color', '#0ab9dc')),
        ('a shortcut used twice', check_shortcuts,
         set_key('Themes', 'Refugees', 'shortcut', 'p')),
        ('an upper-case shortcut', check_shortcuts,
         set_key('Themes', 'Refugees', 'shortcut', 'R')),
        ('a two-key shortcut', check_shortcuts,
         set_key('Themes', 'Refugees', 'shortcut', 'rf')),
    ]
    for what, check, change in cases:
        tap.rejects('%s rejects %s' % (check.__name__, what), check(mutated(change)))

    def all_shortcuts(c):
        # Keep the first five codes of each dimension and key them all
        # (uniquely), so only the "every code" rule can fire.
        letters = iter('abcdefghijklmnopqrstuvwxyz0123456789')
        for d in c['dimensions']:
            d['codes'] = d['codes'][:5]
            for x in d['codes']:
                x.pop('children', None)
                x['shortcut'] = next(letters)
    tap.rejects('check_shortcuts rejects a shortcut on every code',
                check_shortcuts(mutated(all_shortcuts)))


def main(argv):
    if len(argv) != 2:
        print('usage: %s CODEBOOK.json' % argv[0], file=sys.stderr)
        return 2
    tap = Tap()
    try:
        with open(argv[1], encoding='utf-8') as f:
            cb = json.load(f)
    except (OSError, ValueError) as e:
        tap.check(False, 'codebook loads as JSON', [str(e)])
        return tap.done()
    tap.check(True, 'codebook loads as JSON')

    structure = check_structure(cb)
    tap.problems(ALL_CHECKS[0][0], structure)
    if structure:
        return tap.done()
    for name, check in ALL_CHECKS[1:]:
        tap.problems(name, check(cb))

    d, p1, p2 = smallest_delta_e(cb)
    n_codes = sum(1 for _ in all_codes(cb))
    n_short = sum(1 for _d, _p, c in all_codes(cb) if 'shortcut' in c)
    print('# %d codes, %d with shortcuts; smallest ΔE00 within a dimension %.1f (%s / %s)'
          % (n_codes, n_short, d, p1, p2))
    print('# lowest contrast %.2f' % min(contrast_ratio(c['color'], bg)
                                         for _d, _p, c in all_codes(cb)
                                         for bg in BACKGROUNDS.values()))
    self_tests(tap, cb)
    return tap.done()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
