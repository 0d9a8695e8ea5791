#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loads Gloss's long and wide CSV exports with Python's csv module and with
pandas.read_csv, and compares every value with the project as test-csv
dumped it to JSON.

    csv-check.py LONG.csv WIDE.csv EXPECTED.json

Exit status 0: all values match; 1: a mismatch (printed); 77: pandas is not
installed (the test is skipped)."""

import csv
import json
import sys

try:
    import pandas
except ImportError:
    print("pandas is not installed", file=sys.stderr)
    sys.exit(77)

FIXED_HEAD = ["annotation", "document", "document_uuid", "start", "end", "quote"]
FIXED_TAIL = ["annotator", "note", "status", "created", "modified"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def expected_rows(expected, wide):
    """The rows the export must hold, every value a string as in the file."""
    dimensions = expected["dimensions"]
    rows = []
    for a in expected["annotations"]:
        head = [a["uuid"], a["document"], a["document_uuid"], str(a["start"]),
                str(a["end"]), a["quote"]]
        tail = [a["annotator"], a["note"] or "", a["status"], a["created"], a["modified"]]
        if wide:
            cells = []
            for d in dimensions:
                cells.append("; ".join(c["below"] for c in a["codes"] if c["dimension"] == d))
            rows.append(head + cells + tail)
        elif not a["codes"]:
            rows.append(head + ["", ""] + tail)
        else:
            for c in a["codes"]:
                rows.append(head + [c["dimension"], c["path"]] + tail)
    return rows


def header(expected, wide):
    if not wide:
        return FIXED_HEAD + ["dimension", "code"] + FIXED_TAIL
    fixed = set(FIXED_HEAD + FIXED_TAIL)
    names = [d + " (dimension)" if d in fixed else d for d in expected["dimensions"]]
    return FIXED_HEAD + names + FIXED_TAIL


def check_file(path, expected, wide):
    label = "wide" if wide else "long"
    want_header = header(expected, wide)
    want = expected_rows(expected, wide)

    with open(path, "rb") as f:
        raw = f.read()
    check(not raw.startswith(b"\xef\xbb\xbf"), f"{label}: starts with a BOM")
    check(raw.endswith(b"\r\n"), f"{label}: the last record does not end in CRLF")
    raw.decode("utf-8")  # raises on invalid UTF-8

    # the csv module, RFC 4180 dialect
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    check(rows[0] == want_header, f"{label}: header {rows[0]} != {want_header}")
    check(len(rows) - 1 == len(want), f"{label}: {len(rows) - 1} rows, expected {len(want)}")
    for i, (got, exp) in enumerate(zip(rows[1:], want)):
        check(got == exp, f"{label} (csv) row {i + 1}: {got!r} != {exp!r}")

    # pandas: every value as text, and the offsets as integers by default
    frame = pandas.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    check(list(frame.columns) == want_header,
          f"{label}: pandas columns {list(frame.columns)} != {want_header}")
    check(len(frame) == len(want), f"{label}: pandas read {len(frame)} rows, expected {len(want)}")
    for i, exp in enumerate(want):
        if i >= len(frame):
            break
        got = [frame.iat[i, j] for j in range(len(want_header))]
        check(got == exp, f"{label} (pandas) row {i + 1}: {got!r} != {exp!r}")

    typed = pandas.read_csv(path, encoding="utf-8")
    check(str(typed["start"].dtype).startswith("int"), f"{label}: start is {typed['start'].dtype}")
    check(str(typed["end"].dtype).startswith("int"), f"{label}: end is {typed['end'].dtype}")
    check(list(typed["start"]) == [int(r[3]) for r in want], f"{label}: start values differ")
    check(list(typed["end"]) == [int(r[4]) for r in want], f"{label}: end values differ")
    return len(want)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[3], encoding="utf-8") as f:
        expected = json.load(f)
    n_long = check_file(sys.argv[1], expected, wide=False)
    n_wide = check_file(sys.argv[2], expected, wide=True)
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        return 1
    print(f"ok: {n_long} long rows and {n_wide} wide rows match the project")
    return 0


if __name__ == "__main__":
    sys.exit(main())
