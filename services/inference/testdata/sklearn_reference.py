"""Fit the SpamAssassin text pipeline, export it, and write scikit-learn's probabilities.

Run with Debian's /usr/bin/python3 (scikit-learn 1.2):
    sklearn_reference.py --repo ROOT --target label|group --out DIR

Writes DIR/model.json (the exporter's artifact) and DIR/reference.json with
the classes, the validation texts and predict_proba on them. `label` gives a
binary model (ham, spam); `group` a multinomial one over the five corpus
folders. `shipped` copies examples/spamassassin/spam_tfidf_logreg.json and
takes the probabilities from validation.csv, where they are the shipped
pipeline's predict_proba written with repr.
"""

import argparse
import csv
import json
import os
import shutil
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as source:
        return list(csv.DictReader(source))


def write_reference(folder, classes, texts, probabilities):
    with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as out:
        json.dump({"classes": classes, "texts": texts, "probabilities": probabilities}, out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--target", choices=["label", "group", "shipped"], required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.repo, "clients", "python"))
    from goalpost_client.export import write_text_pipeline

    data = os.path.join(args.repo, "examples", "spamassassin")
    training = read_rows(os.path.join(data, "training.csv"))
    validation = read_rows(os.path.join(data, "validation.csv"))

    texts = [row["text"] for row in validation]
    if args.target == "shipped":
        shutil.copyfile(os.path.join(data, "spam_tfidf_logreg.json"),
                        os.path.join(args.out, "model.json"))
        write_reference(args.out, ["ham", "spam"], texts,
                        [[float(row["prob_ham"]), float(row["prob_spam"])] for row in validation])
        return

    pipeline = Pipeline([
        ("tfidf", TfidfVectorizer(lowercase=True, sublinear_tf=True, min_df=3,
                                  max_features=20000)),
        ("logreg", LogisticRegression(C=0.3, max_iter=1000, solver="lbfgs")),
    ])
    pipeline.fit([row["text"] for row in training], [row[args.target] for row in training])
    write_text_pipeline(pipeline, os.path.join(args.out, "model.json"))

    write_reference(args.out, [str(name) for name in pipeline.classes_], texts,
                    pipeline.predict_proba(texts).tolist())


if __name__ == "__main__":
    main()
