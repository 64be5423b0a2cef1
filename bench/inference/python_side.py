"""The Python side of the inference benchmark: scikit-learn and python3-xgboost timings.

Run with Debian's /usr/bin/python3 from the repository root:
    python_side.py --repo . --rows N --out DIR

Writes DIR/inputs.json (the SpamAssassin validation texts and the encoded
credit validation rows, which the C++ side repeats to N rows) and
DIR/timings.json: wall-clock and process CPU seconds of one run of the
shipped text pipeline's predict_proba on N texts (rebuilt from
spam_tfidf_logreg.json into a fitted scikit-learn Pipeline) and of
XGBClassifier.predict_proba (n_jobs = every core) on N credit rows.
"""

import argparse
import csv
import json
import os
import sys
import time

import numpy as np


def text_pipeline(path):
    """Rebuild a fitted Pipeline(TfidfVectorizer, LogisticRegression) from the JSON artifact."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    with open(path, encoding="utf-8") as source:
        artifact = json.load(source)
    vectorizer = TfidfVectorizer(lowercase=True, sublinear_tf=artifact["sublinear_tf"],
                                 norm=artifact["norm"])
    vectorizer.vocabulary_ = artifact["vocabulary"]
    vectorizer.idf_ = np.array(artifact["idf"])
    classifier = LogisticRegression()
    classifier.classes_ = np.array(artifact["classes"])
    classifier.coef_ = np.array(artifact["coef"])
    classifier.intercept_ = np.array(artifact["intercept"])
    return Pipeline([("tfidf", vectorizer), ("logreg", classifier)])


def measure(work):
    """Return (wall seconds, CPU seconds of this process) of one call of `work`."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.repo, "services", "inference", "testdata"))
    import xgboost as xgb
    from xgboost_reference import encode, frame, load_levels

    spam = os.path.join(args.repo, "examples", "spamassassin")
    with open(os.path.join(spam, "validation.csv"), newline="", encoding="utf-8") as source:
        texts = [row["text"] for row in csv.DictReader(source)]
    order, levels = load_levels(args.repo)
    credit = os.path.join(args.repo, "examples", "credit")
    validation = frame(os.path.join(credit, "validation.csv"), order, levels)
    rows = encode(validation, order, levels)
    with open(os.path.join(args.out, "inputs.json"), "w", encoding="utf-8") as out:
        json.dump({"texts": texts, "credit_rows": rows}, out)

    repeated_texts = [texts[i % len(texts)] for i in range(args.rows)]
    pipeline = text_pipeline(os.path.join(spam, "spam_tfidf_logreg.json"))
    text_wall, text_cpu = measure(lambda: pipeline.predict_proba(repeated_texts))

    repeats = (args.rows + len(validation) - 1) // len(validation)
    table = validation[order].iloc[np.tile(np.arange(len(validation)), repeats)[:args.rows]]
    classifier = xgb.XGBClassifier()
    classifier.load_model(os.path.join(credit, "credit_xgb.json"))
    classifier.set_params(n_jobs=os.cpu_count())
    classifier.predict_proba(table.iloc[:1000])  # warm-up
    xgb_wall, xgb_cpu = measure(lambda: classifier.predict_proba(table))

    with open(os.path.join(args.out, "timings.json"), "w") as out:
        json.dump({"rows": args.rows, "sklearn_text_wall": text_wall, "sklearn_text_cpu": text_cpu,
                   "xgboost_threads": os.cpu_count(), "xgboost_wall": xgb_wall,
                   "xgboost_cpu": xgb_cpu}, out)


if __name__ == "__main__":
    main()
