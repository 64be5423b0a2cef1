"""Print every row of a CSV file as a JSON array of raw field strings.

Usage: /usr/bin/python3 csv_rows.py FILE.csv

Python's csv module is the reference reader for the datasets tests: the
header comes first, then one array per row, one per line.
"""
import csv
import json
import sys


def main():
    csv.field_size_limit(1 << 30)
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            sys.stdout.write(json.dumps(row, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
