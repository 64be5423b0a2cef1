"""Write python3-xgboost's predict_proba on the credit validation set.

Run with Debian's /usr/bin/python3 (xgboost 1.7):
    xgboost_reference.py --repo ROOT --model shipped|multiclass --out DIR

`shipped` uses examples/credit/credit_xgb.json (binary:logistic, label
good/bad). `multiclass` trains a multi:softprob model on the training set that
predicts the Job category from the other columns. Writes DIR/model.json, and
DIR/reference.json with the classes, the features (name, categorical,
categories), the validation rows encoded as the service expects them
(categorical codes, null for missing) and the probabilities.
"""

import argparse
import json
import math
import os
import shutil

import numpy as np
import pandas as pd
import xgboost as xgb


def load_levels(repo):
    with open(os.path.join(repo, "examples", "credit", "credit_xgb_features.json")) as source:
        description = json.load(source)
    return description["feature_order"], {
        feature["name"]: feature["categories"]
        for feature in description["features"] if feature["type"] == "categorical"}


def frame(path, columns, levels):
    table = pd.read_csv(path)
    for name in columns:
        if name in levels:
            table[name] = pd.Categorical(table[name], categories=levels[name])
        else:
            table[name] = table[name].astype("float64")
    return table


def encode(table, columns, levels):
    rows = []
    for _, record in table[columns].iterrows():
        row = []
        for name in columns:
            value = record[name]
            if name in levels:
                row.append(None if pd.isna(value) else levels[name].index(value))
            else:
                row.append(None if math.isnan(value) else float(value))
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--model", choices=["shipped", "multiclass"], required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    order, levels = load_levels(args.repo)
    credit = os.path.join(args.repo, "examples", "credit")
    model_path = os.path.join(args.out, "model.json")
    if args.model == "shipped":
        columns, classes = order, ["bad", "good"]
        shutil.copyfile(os.path.join(credit, "credit_xgb.json"), model_path)
        validation = frame(os.path.join(credit, "validation.csv"), columns, levels)
    else:
        columns = [name for name in order if name != "Job"]
        classes = levels["Job"]
        training = frame(os.path.join(credit, "training.csv"), columns + ["Job"], levels)
        training = training[training["Job"].notna()]
        classifier = xgb.XGBClassifier(objective="multi:softprob", n_estimators=30, max_depth=3,
                                       tree_method="hist", enable_categorical=True,
                                       max_cat_to_onehot=1, n_jobs=1, random_state=7)
        classifier.fit(training[columns], training["Job"].cat.codes)
        classifier.save_model(model_path)
        validation = frame(os.path.join(credit, "validation.csv"), columns + ["Job"], levels)

    classifier = xgb.XGBClassifier()
    classifier.load_model(model_path)
    probabilities = classifier.predict_proba(validation[columns]).astype(np.float64)
    with open(os.path.join(args.out, "reference.json"), "w") as out:
        json.dump({
            "classes": classes,
            "features": [{"name": name, "categorical": name in levels,
                          "categories": levels.get(name, [])} for name in columns],
            "rows": encode(validation, columns, levels),
            "probabilities": probabilities.tolist(),
        }, out)


if __name__ == "__main__":
    main()
