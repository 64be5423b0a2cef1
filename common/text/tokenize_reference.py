"""Print scikit-learn's tokens for every row of a goalpost CSV file.

Usage: /usr/bin/python3 tokenize_reference.py FILE.csv [TEXT_COLUMN]

Writes one JSON object per row: {"id": ..., "text": ..., "tokens": [...]},
with the tokens of TfidfVectorizer().build_analyzer() (scikit-learn 1.2
defaults: lowercase=True, token_pattern r"(?u)\\b\\w\\w+\\b").
"""
import csv
import json
import sys

from sklearn.feature_extraction.text import TfidfVectorizer


def main():
    path = sys.argv[1]
    text_column = sys.argv[2] if len(sys.argv) > 2 else "text"
    analyzer = TfidfVectorizer().build_analyzer()
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = row[text_column]
            record = {"id": row["id"], "text": text, "tokens": analyzer(text)}
            sys.stdout.write(json.dumps(record, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
