"""Print numpy's statistics of the numeric columns of a CSV file as JSON.

Usage: /usr/bin/python3 column_statistics.py FILE.csv COLUMN...

For each column: count, missing, min, max, mean, population standard
deviation and the 25th, 50th and 75th percentiles (numpy's linear
interpolation), over the non-missing values.
"""
import json
import sys

import numpy as np
import pandas as pd


def main():
    frame = pd.read_csv(sys.argv[1])
    result = {}
    for column in sys.argv[2:]:
        values = frame[column].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        result[column] = {
            "count": int(present.size),
            "missing": int(values.size - present.size),
            "min": float(present.min()),
            "max": float(present.max()),
            "mean": float(present.mean()),
            "standard_deviation": float(present.std()),
            "quartile_1": float(np.percentile(present, 25)),
            "median": float(np.percentile(present, 50)),
            "quartile_3": float(np.percentile(present, 75)),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
