#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference kappas for test-agreement-math: reads a JSON list of coding
tables ({"categories": k, "units": [[value per rater], ...]}) and prints a
JSON list of {"fleiss": ..., "cohen": ...} computed by statsmodels, where
Cohen's kappa is between the first two raters; an undefined value is null."""

import json
import math
import sys

import numpy as np
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa


def finite(value):
    value = float(value)
    return value if math.isfinite(value) else None


def main(path):
    with open(path, encoding="utf-8") as f:
        tables = json.load(f)

    results = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for table in tables:
            k = table["categories"]
            units = table["units"]

            counts = np.zeros((len(units), k))
            for i, unit in enumerate(units):
                for value in unit:
                    counts[i, value] += 1

            contingency = np.zeros((k, k))
            for unit in units:
                contingency[unit[0], unit[1]] += 1

            results.append({
                "fleiss": finite(fleiss_kappa(counts)),
                "cohen": finite(cohens_kappa(contingency).kappa),
            })

    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
