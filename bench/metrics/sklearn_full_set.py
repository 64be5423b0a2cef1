#!/usr/bin/python3
"""Time scikit-learn 1.2 and numpy computing goalpost's full metric set.

Usage: /usr/bin/python3 sklearn_full_set.py DIR ROWS CLASSES

Reads labels.i32, predictions.i32 and probabilities.f64 (row-major) from DIR,
as metrics_core_bench writes them. Computes every metric of docs/metrics.md
the way a user would, with one scikit-learn call per metric family. Prints
the seconds taken and a few values for cross-checking as JSON.
"""

import json
import sys
import time
import warnings

import numpy as np
import scipy.stats
from sklearn import metrics as skm


def full_set(y, pred, probs):
    k = probs.shape[1]
    labels = list(range(k))
    out = {}
    out["accuracy"] = skm.accuracy_score(y, pred)
    out["balanced_accuracy"] = skm.balanced_accuracy_score(y, pred)
    out["mcc"] = skm.matthews_corrcoef(y, pred)
    out["cohen_kappa"] = skm.cohen_kappa_score(y, pred)
    out["confusion_matrix"] = skm.confusion_matrix(y, pred, labels=labels)

    per_class = skm.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    for average in ("macro", "micro", "weighted"):
        out["prf_" + average] = skm.precision_recall_fscore_support(
            y, pred, labels=labels, zero_division=0, average=average)
    out["f1_macro"] = out["prf_macro"][2]
    mcm = skm.multilabel_confusion_matrix(y, pred, labels=labels)
    fpr = mcm[:, 0, 1] / (mcm[:, 0, 0] + mcm[:, 0, 1])
    out["fpr"] = (fpr, fpr.mean(), np.average(fpr, weights=per_class[3]))
    out["geometric_mean"] = scipy.stats.gmean(per_class[1])

    out["log_loss"] = skm.log_loss(y, probs, labels=labels)
    out["brier"] = np.mean(np.sum((probs - np.eye(k)[y]) ** 2, axis=1))
    confidence = probs[np.arange(len(y)), pred]
    bins = np.minimum((confidence * 15).astype(np.int64), 14)
    correct = (y == pred)
    ece = 0.0
    for b in range(15):
        mask = bins == b
        if mask.any():
            ece += mask.sum() / len(y) * abs(correct[mask].mean() - confidence[mask].mean())
    out["ece"] = ece

    for top in range(1, k):
        out["top_k_%d" % top] = skm.top_k_accuracy_score(y, probs, k=top, labels=labels)
    out["roc_auc_per_class"] = [skm.roc_auc_score(y == c, probs[:, c]) for c in range(k)]
    for multi_class in ("ovr", "ovo"):
        for average in ("macro", "weighted"):
            out["roc_auc_%s_%s" % (multi_class, average)] = skm.roc_auc_score(
                y, probs, multi_class=multi_class, average=average, labels=labels)

    hist = np.histogram(confidence, bins=20, range=(0, 1))
    out["histograms"] = (hist, np.histogram(confidence[correct], bins=20, range=(0, 1)),
                         [np.histogram(confidence[y == c], bins=20, range=(0, 1)) for c in labels])
    return out


def main():
    folder, rows, classes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    y = np.fromfile(folder + "/labels.i32", dtype=np.int32).astype(np.int64)
    pred = np.fromfile(folder + "/predictions.i32", dtype=np.int32).astype(np.int64)
    probs = np.fromfile(folder + "/probabilities.f64", dtype=np.float64).reshape(rows, classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        out = full_set(y, pred, probs)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "seconds": seconds,
        "accuracy": float(out["accuracy"]),
        "f1_macro": float(out["f1_macro"]),
        "log_loss": float(out["log_loss"]),
        "roc_auc_ovr_macro": float(out["roc_auc_ovr_macro"]),
        "roc_auc_ovo_weighted": float(out["roc_auc_ovo_weighted"]),
    }))


if __name__ == "__main__":
    main()
