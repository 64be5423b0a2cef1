#!/usr/bin/python3
"""Evaluate 100 goals the way a pandas user would: a boolean mask per goal,
then one scikit-learn call per metric on the masked rows.

Usage: /usr/bin/python3 goal_bench_pandas.py DIR

DIR contains the arrays and goals.json that goal_bench_data.cc writes. Prints
JSON: seconds for the 100 goals (loading not included) and each goal's
metric values for cross-checking.
"""

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn import metrics as skm

LABELS = [0, 1, 2, 3, 4]


def load(folder):
    probs = np.fromfile(folder + "/probabilities.f64", dtype=np.float64).reshape(-1, 5)
    with open(folder + "/text.txt", encoding="utf-8") as f:
        text = f.read().split("\n")[:-1]
    with open(folder + "/country.txt", encoding="utf-8") as f:
        country = f.read().split("\n")[:-1]
    df = pd.DataFrame({
        "label": np.fromfile(folder + "/labels.i32", dtype=np.int32).astype(np.int64),
        "prediction": np.fromfile(folder + "/predictions.i32", dtype=np.int32).astype(np.int64),
        "age": np.fromfile(folder + "/age.f64"),
        "income": np.fromfile(folder + "/income.f64"),
        "text": text,
        "country": country,
    })
    df["confidence"] = probs[np.arange(len(df)), df["prediction"].to_numpy()]
    with open(folder + "/goals.json", encoding="utf-8") as f:
        goals = json.load(f)
    return df, probs, goals


def token_mask(df, token):
    return df["text"].str.contains(r"\b%s\b" % token, regex=True)


def mask_of(df, spec):
    mask = pd.Series(True, index=df.index)
    for token in spec.get("all_tokens", []):
        mask &= token_mask(df, token)
    if "any_tokens" in spec:
        any_mask = pd.Series(False, index=df.index)
        for token in spec["any_tokens"]:
            any_mask |= token_mask(df, token)
        mask &= any_mask
    if "age_between" in spec:
        mask &= df["age"].between(*spec["age_between"])
    if "age_less" in spec:
        mask &= df["age"] < spec["age_less"]
    if "income_greater" in spec:
        mask &= df["income"] > spec["income_greater"]
    if "income_at_least" in spec:
        mask &= df["income"] >= spec["income_at_least"]
    if "country_in" in spec:
        mask &= df["country"].isin(spec["country_in"])
    if "country_not" in spec:
        mask &= df["country"] != spec["country_not"]
    if "confidence_less" in spec:
        mask &= df["confidence"] < spec["confidence_less"]
    return mask.to_numpy()


def metric(name, y, pred, probs):
    if name == "f1[macro]":
        return skm.f1_score(y, pred, labels=LABELS, average="macro", zero_division=0)
    if name == "f1[weighted]":
        return skm.f1_score(y, pred, labels=LABELS, average="weighted", zero_division=0)
    if name == "accuracy":
        return skm.accuracy_score(y, pred)
    if name == "precision[b]":
        return skm.precision_score(y, pred, labels=LABELS, average=None, zero_division=0)[1]
    if name == "recall[b]":
        return skm.recall_score(y, pred, labels=LABELS, average=None, zero_division=0)[1]
    if name == "recall[macro]":
        return skm.recall_score(y, pred, labels=LABELS, average="macro", zero_division=0)
    if name == "roc_auc":
        return skm.roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=LABELS)
    if name == "log_loss":
        return skm.log_loss(y, probs, labels=LABELS)
    if name == "balanced_accuracy":
        return skm.balanced_accuracy_score(y, pred)
    if name == "mcc":
        return skm.matthews_corrcoef(y, pred)
    if name == "cohen_kappa":
        return skm.cohen_kappa_score(y, pred)
    if name == "top_k_accuracy[2]":
        return skm.top_k_accuracy_score(y, probs, k=2, labels=LABELS)
    raise ValueError(name)


def main():
    df, probs, goals = load(sys.argv[1])
    y_all = df["label"].to_numpy()
    pred_all = df["prediction"].to_numpy()
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        cpu_start = time.process_time()
        for goal in goals:
            mask = mask_of(df, goal["filter"])
            y, pred, p = y_all[mask], pred_all[mask], probs[mask]
            values.append([float(metric(name, y, pred, p)) for name in goal["metrics"]])
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "values": values}))


if __name__ == "__main__":
    main()
