"""Write the benchmark inputs of the datasets service from the shipped data.

Usage:
  /usr/bin/python3 generate_inputs.py upload ROWS OUT.csv
  /usr/bin/python3 generate_inputs.py read ROWS OUT.csv

"upload" files have the SpamAssassin columns (id, text, label, group,
prediction, prob_ham, prob_spam) plus a numeric "length" column; "read"
files have id, label, prediction, prob_ham and prob_spam only. Rows cycle
through the shipped training and validation rows. Every id is unique, and
each probability gets seeded uniform noise (then prediction is its arg-max)
so that the doubles do not repeat and compress no better than real model
output. Written as pandas to_csv would, with every string quoted.
"""
import csv
import random
import sys

SOURCES = ["examples/spamassassin/training.csv", "examples/spamassassin/validation.csv"]


def source_rows():
    rows = []
    for path in SOURCES:
        with open(path, newline="", encoding="utf-8") as f:
            rows.extend(csv.DictReader(f))
    return rows


def main():
    kind, count, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rows = source_rows()
    generator = random.Random(20261204)
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        if kind == "upload":
            writer.writerow(["id", "text", "length", "label", "group", "prediction", "prob_ham", "prob_spam"])
        else:
            writer.writerow(["id", "label", "prediction", "prob_ham", "prob_spam"])
        for i in range(count):
            row = rows[i % len(rows)]
            spam = min(1.0, max(0.0, float(row["prob_spam"]) + generator.uniform(-0.05, 0.05)))
            ham = 1.0 - spam
            prediction = "spam" if spam > ham else "ham"
            row_id = "%s/%d" % (row["id"], i)
            if kind == "upload":
                writer.writerow([row_id, row["text"], len(row["text"]), row["label"], row["group"],
                                 prediction, ham, spam])
            else:
                writer.writerow([row_id, row["label"], prediction, ham, spam])


if __name__ == "__main__":
    main()
