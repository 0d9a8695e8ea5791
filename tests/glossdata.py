# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the data checks: a tiny TAP writer, colour science
(WCAG 2.x contrast, CIEDE2000) and the default codebook's structure.

Kept free of third-party modules so the checks run with a bare
/usr/bin/python3.
"""

import math
import sys


class Tap:
    """Writes TAP version 13 for meson's `protocol: 'tap'`."""

    def __init__(self):
        self.n = 0
        self.failed = 0
        print('TAP version 13')

    def check(self, ok, name, problems=()):
        self.n += 1
        if not ok:
            self.failed += 1
        print(('ok' if ok else 'not ok') + ' %d - %s' % (self.n, name))
        for p in problems:
            print('# ' + str(p).replace('\n', '\n# '))
        sys.stdout.flush()

    def problems(self, name, problems):
        """One test point that passes exactly when @problems is empty."""
        problems = list(problems)
        self.check(not problems, name, problems)

    def rejects(self, name, problems):
        """One test point that passes exactly when a bad input was caught."""
        problems = list(problems)
        self.check(bool(problems), name,
                   ['caught: ' + problems[0]] if problems else ['nothing was reported'])

    def done(self):
        print('1..%d' % self.n)
        return 1 if self.failed else 0


# Colour science ---------------------------------------------------------

def parse_hex(color):
    """'#rrggbb' → (r, g, b) in 0..255; ValueError otherwise."""
    if (not isinstance(color, str) or len(color) != 7 or color[0] != '#'
            or any(c not in '0123456789abcdef' for c in color[1:])):
        raise ValueError('%r is not a colour of the form #rrggbb (lower case)' % (color,))
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def _linear(c):
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color):
    """WCAG 2.x relative luminance of an sRGB colour."""
    r, g, b = (_linear(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b):
    """WCAG 2.x contrast ratio, 1..21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def srgb_to_lab(color):
    """CIE L*a*b* (D65 white) of an sRGB colour."""
    r, g, b = (_linear(c) for c in parse_hex(color))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = (0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / 1.00000
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        d = 6.0 / 29.0
        return t ** (1.0 / 3.0) if t > d ** 3 else t / (3 * d * d) + 4.0 / 29.0

    fx, fy, fz = f(x), f(y), f(z)
    return 116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)


def ciede2000(lab1, lab2):
    """CIEDE2000 colour difference (kL = kC = kH = 1), after Sharma, Wu and
    Dalal, "The CIEDE2000 color-difference formula", 2005."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    C1, C2 = math.hypot(a1, b1), math.hypot(a2, b2)
    Cbar7 = ((C1 + C2) / 2.0) ** 7
    G = 0.5 * (1.0 - math.sqrt(Cbar7 / (Cbar7 + 25.0 ** 7)))
    a1p, a2p = (1.0 + G) * a1, (1.0 + G) * a2
    C1p, C2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360.0 if C1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360.0 if C2p else 0.0

    dLp = L2 - L1
    dCp = C2p - C1p
    if C1p * C2p == 0:
        dhp = 0.0
    else:
        dhp = h2p - h1p
        if dhp > 180.0:
            dhp -= 360.0
        elif dhp < -180.0:
            dhp += 360.0
    dHp = 2.0 * math.sqrt(C1p * C2p) * math.sin(math.radians(dhp / 2.0))

    Lbp = (L1 + L2) / 2.0
    Cbp = (C1p + C2p) / 2.0
    if C1p * C2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180.0:
        hbp = (h1p + h2p) / 2.0
    elif h1p + h2p < 360.0:
        hbp = (h1p + h2p + 360.0) / 2.0
    else:
        hbp = (h1p + h2p - 360.0) / 2.0

    T = (1.0 - 0.17 * math.cos(math.radians(hbp - 30.0))
         + 0.24 * math.cos(math.radians(2.0 * hbp))
         + 0.32 * math.cos(math.radians(3.0 * hbp + 6.0))
         - 0.20 * math.cos(math.radians(4.0 * hbp - 63.0)))
    dtheta = 30.0 * math.exp(-(((hbp - 275.0) / 25.0) ** 2))
    Cbp7 = Cbp ** 7
    Rc = 2.0 * math.sqrt(Cbp7 / (Cbp7 + 25.0 ** 7))
    Sl = 1.0 + 0.015 * (Lbp - 50.0) ** 2 / math.sqrt(20.0 + (Lbp - 50.0) ** 2)
    Sc = 1.0 + 0.045 * Cbp
    Sh = 1.0 + 0.015 * Cbp * T
    Rt = -math.sin(math.radians(2.0 * dtheta)) * Rc
    return math.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2
                     + Rt * (dCp / Sc) * (dHp / Sh))


def delta_e(color1, color2):
    return ciede2000(srgb_to_lab(color1), srgb_to_lab(color2))


# Codebook ---------------------------------------------------------------

def escape_name(name):
    """A code path segment: '\\' → '\\\\', '/' → '\\/' (DESIGN.md, Data model)."""
    return name.replace('\\', '\\\\').replace('/', '\\/')


def walk_codes(codes, prefix):
    """Yields (path, code, depth) for a code list and all its descendants,
    depth first, in file order."""
    for code in codes if isinstance(codes, list) else []:
        if not isinstance(code, dict):
            continue
        path = prefix + '/' + escape_name(str(code.get('name', '')))
        yield path, code, path.count('/') - 1
        yield from walk_codes(code.get('children', []), path)


def all_codes(codebook):
    """Yields (dimension, path, code) for every code of every dimension."""
    for dim in codebook.get('dimensions', []) if isinstance(codebook, dict) else []:
        if not isinstance(dim, dict):
            continue
        for path, code, _depth in walk_codes(dim.get('codes', []),
                                             escape_name(str(dim.get('name', '')))):
            yield dim, path, code


def code_paths(codebook):
    """{path: dimension} for every code."""
    return {path: dim for dim, path, _code in all_codes(codebook)}
