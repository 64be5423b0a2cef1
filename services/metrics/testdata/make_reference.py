#!/usr/bin/python3
"""Write the metric values scikit-learn 1.2 computes on the test cases.

Usage: /usr/bin/python3 make_reference.py REPO_ROOT OUTPUT_JSON

Each case holds its rows (labels and predictions as class indices, class
probabilities row-major) and the expected value of every metric name of
docs/metrics.md; null means scikit-learn raises or returns NaN there, so
goalpost must report the metric as undefined. The cases are the two shipped
validation sets, subpopulations of the SpamAssassin one, and generated cases
(seeded, so the file is the same on every run).
"""

import csv
import json
import sys
import warnings

import numpy as np
import scipy.stats
from sklearn import metrics as skm

CALIBRATION_BINS = 15


def read_csv(path, class_names):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    index = {name: i for i, name in enumerate(class_names)}
    labels = np.array([index[r["label"]] for r in rows], dtype=np.int64)
    predictions = np.array([index[r["prediction"]] for r in rows], dtype=np.int64)
    probabilities = np.array(
        [[float(r["prob_" + name]) for name in class_names] for r in rows], dtype=np.float64
    )
    return rows, labels, predictions, probabilities


def call(function, *args, **kwargs):
    """Return the metric, or None where scikit-learn raises or gives NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = float(function(*args, **kwargs))
        except ValueError:
            return None
    return None if np.isnan(value) else value


def class_metrics(y, pred, class_names, out):
    k = len(class_names)
    labels = list(range(k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        precision, recall, f1, support = skm.precision_recall_fscore_support(
            y, pred, labels=labels, zero_division=0
        )
        for average in ("macro", "micro", "weighted"):
            p, r, f, _ = skm.precision_recall_fscore_support(
                y, pred, labels=labels, zero_division=0, average=average
            )
            out["precision[%s]" % average] = float(p)
            out["recall[%s]" % average] = float(r)
            out["f1[%s]" % average] = float(f)
        mcm = skm.multilabel_confusion_matrix(y, pred, labels=labels)
    for c, name in enumerate(class_names):
        out["precision[%s]" % name] = float(precision[c])
        out["recall[%s]" % name] = float(recall[c])
        out["f1[%s]" % name] = float(f1[c])

    # False positive rate per class from scikit-learn's one-vs-rest matrices.
    fp = mcm[:, 0, 1].astype(np.float64)
    negatives = (mcm[:, 0, 0] + mcm[:, 0, 1]).astype(np.float64)
    fpr = np.where(negatives > 0, fp / np.where(negatives > 0, negatives, 1), 0.0)
    for c, name in enumerate(class_names):
        out["false_positive_rate[%s]" % name] = float(fpr[c])
    out["false_positive_rate[macro]"] = float(np.mean(fpr))
    out["false_positive_rate[weighted]"] = float(np.average(fpr, weights=support))
    out["false_positive_rate[micro]"] = float(fp.sum() / negatives.sum())

    # imbalanced-learn's geometric_mean_score(labels=...): scipy's gmean of
    # the zero_division=0 recalls.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["geometric_mean"] = float(scipy.stats.gmean(recall))

    for metric in ("precision", "recall", "f1", "false_positive_rate"):
        bare = "%s[%s]" % (metric, class_names[1]) if k == 2 else "%s[macro]" % metric
        out[metric] = out[bare]


def probability_metrics(y, pred, probs, class_names, out):
    k = len(class_names)
    labels = list(range(k))
    out["log_loss"] = call(skm.log_loss, y, probs, labels=labels)
    if k == 2:
        out["brier"] = call(skm.brier_score_loss, y, probs[:, 1], pos_label=1)
        out["top_k_accuracy[1]"] = call(
            skm.top_k_accuracy_score, y, probs[:, 1], k=1, labels=labels
        )
    else:
        onehot = np.eye(k)[y]
        out["brier"] = float(np.mean(np.sum((probs - onehot) ** 2, axis=1)))
        for top in range(1, k):
            out["top_k_accuracy[%d]" % top] = call(
                skm.top_k_accuracy_score, y, probs, k=top, labels=labels
            )

    confidence = probs[np.arange(len(y)), pred]
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(np.int64), CALIBRATION_BINS - 1)
    ece = 0.0
    for b in range(CALIBRATION_BINS):
        mask = bins == b
        if mask.any():
            accuracy = np.mean(y[mask] == pred[mask])
            ece += mask.sum() / len(y) * abs(accuracy - np.mean(confidence[mask]))
    out["ece"] = float(ece)

    per_class = []
    for c, name in enumerate(class_names):
        value = call(skm.roc_auc_score, (y == c).astype(np.int64), probs[:, c])
        out["roc_auc[%s]" % name] = value
        per_class.append(value)
    if k == 2:
        # Two classes: the averages follow the same definitions as for
        # more classes (scikit-learn's multiclass path needs three).
        support = np.bincount(y, minlength=2)
        defined = None not in per_class
        out["roc_auc[ovr_macro]"] = float(np.mean(per_class)) if defined else None
        out["roc_auc[ovr_weighted]"] = (
            float(np.average(per_class, weights=support)) if defined else None
        )
        out["roc_auc[ovo_macro]"] = float(np.mean(per_class)) if defined else None
        out["roc_auc[ovo_weighted]"] = float(np.mean(per_class)) if defined else None
        out["roc_auc"] = out["roc_auc[%s]" % class_names[1]]
    else:
        for multi_class in ("ovr", "ovo"):
            for average in ("macro", "weighted"):
                out["roc_auc[%s_%s]" % (multi_class, average)] = call(
                    ovo_or_ovr, y, probs, multi_class, average, labels
                )
        out["roc_auc"] = out["roc_auc[ovr_macro]"]


def ovo_or_ovr(y, probs, multi_class, average, labels):
    # One class present: scikit-learn 1.2 averages an empty list (NaN) or
    # divides by a zero weight (ZeroDivisionError); both mean undefined.
    try:
        return skm.roc_auc_score(y, probs, multi_class=multi_class, average=average, labels=labels)
    except ZeroDivisionError:
        return float("nan")


def all_metrics(y, pred, probs, class_names):
    k = len(class_names)
    out = {"row_count": float(len(y))}
    if len(y) == 0:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["accuracy"] = float(skm.accuracy_score(y, pred))
        out["error_rate"] = 1.0 - out["accuracy"]
        out["balanced_accuracy"] = float(skm.balanced_accuracy_score(y, pred))
        out["mcc"] = float(skm.matthews_corrcoef(y, pred))
    out["cohen_kappa"] = call(skm.cohen_kappa_score, y, pred)
    class_metrics(y, pred, class_names, out)
    if probs is not None:
        probability_metrics(y, pred, probs, class_names, out)
    out["confusion_matrix"] = skm.confusion_matrix(y, pred, labels=list(range(k))).ravel().tolist()
    return out


def make_case(name, class_names, y, pred, probs):
    return {
        "name": name,
        "class_names": class_names,
        "labels": y.tolist(),
        "predictions": pred.tolist(),
        "probabilities": None if probs is None else probs.ravel().tolist(),
        "expected": all_metrics(y, pred, probs, class_names),
    }


def dirichlet_rows(rng, n, k, concentration=0.7):
    return rng.dirichlet([concentration] * k, size=n)


def noisy_labels(rng, probs):
    """Labels drawn from the rows' own probabilities, so the model is good."""
    cumulative = np.cumsum(probs, axis=1)
    draws = rng.random(len(probs))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probs.shape[1] - 1)


def generated_cases(rng):
    cases = []
    five = ["a", "b", "c", "d", "e"]
    two = ["negative", "positive"]

    probs = dirichlet_rows(rng, 600, 2)
    y = noisy_labels(rng, probs)
    cases.append(make_case("binary", two, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 1500, 5)
    y = noisy_labels(rng, probs)
    cases.append(make_case("five_classes", five, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 800, 5)
    y = noisy_labels(rng, probs)
    y[y == 3] = 1
    cases.append(make_case("class_missing_from_labels", five, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 800, 5)
    y = noisy_labels(rng, probs)
    masked = probs.copy()
    masked[:, 2] = -1
    cases.append(make_case("class_never_predicted", five, y, masked.argmax(axis=1), probs))

    # Rows drawn from a few probability vectors, so many scores tie,
    # including 0.5 against 0.5 and equal top classes.
    palette = np.array(
        [
            [0.2, 0.2, 0.2, 0.2, 0.2],
            [0.4, 0.4, 0.1, 0.05, 0.05],
            [0.1, 0.3, 0.3, 0.3, 0.0],
            [0.0, 0.0, 0.5, 0.5, 0.0],
            [0.25, 0.25, 0.0, 0.25, 0.25],
        ]
    )
    probs = palette[rng.integers(0, len(palette), 700)]
    y = rng.integers(0, 5, 700)
    cases.append(make_case("five_classes_ties", five, y, probs.argmax(axis=1), probs))

    binary_palette = np.array([[0.5, 0.5], [0.3, 0.7], [0.7, 0.3], [0.9, 0.1], [0.1, 0.9]])
    probs = binary_palette[rng.integers(0, len(binary_palette), 500)]
    y = rng.integers(0, 2, 500)
    cases.append(make_case("binary_ties", two, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 600, 5)
    one_hot = rng.random(600) < 0.4
    probs[one_hot] = np.eye(5)[rng.integers(0, 5, one_hot.sum())]
    y = noisy_labels(rng, dirichlet_rows(rng, 600, 5))
    cases.append(make_case("five_classes_zero_and_one", five, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 400, 2)
    one_hot = rng.random(400) < 0.5
    probs[one_hot] = np.eye(2)[rng.integers(0, 2, one_hot.sum())]
    y = rng.integers(0, 2, 400)
    cases.append(make_case("binary_zero_and_one", two, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 300, 2)
    y = np.zeros(300, dtype=np.int64)
    cases.append(make_case("binary_one_class", two, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 300, 5)
    y = np.full(300, 4, dtype=np.int64)
    cases.append(make_case("five_classes_one_class", five, y, probs.argmax(axis=1), probs))

    probs = dirichlet_rows(rng, 300, 5)
    y = rng.choice([1, 3], 300)
    cases.append(make_case("five_classes_two_present", five, y, probs.argmax(axis=1), probs))

    pred = np.full(300, 2, dtype=np.int64)
    y = np.full(300, 2, dtype=np.int64)
    probs = np.tile([0.1, 0.1, 0.6, 0.1, 0.1], (300, 1))
    cases.append(make_case("five_classes_single_class_everywhere", five, y, pred, probs))

    empty = np.zeros(0, dtype=np.int64)
    cases.append(make_case("empty", five, empty, empty, np.zeros((0, 5))))

    probs = dirichlet_rows(rng, 200, 3)
    y = noisy_labels(rng, probs)
    cases.append(make_case("three_classes_without_probabilities", ["x", "y", "z"], y,
                           probs.argmax(axis=1), None))
    return cases


def dataset_cases(root):
    cases = []
    spam_classes = ["ham", "spam"]
    rows, y, pred, probs = read_csv(root + "/examples/spamassassin/validation.csv", spam_classes)
    cases.append(make_case("spamassassin_validation", spam_classes, y, pred, probs))

    with open(root + "/examples/spamassassin/reference_metrics.json", encoding="utf-8") as f:
        reference = json.load(f)
    ids = set(reference["subpopulations"][0]["ids"])
    mask = np.array([r["id"] in ids for r in rows])
    cases.append(make_case("spamassassin_free_and_money", spam_classes, y[mask], pred[mask],
                           probs[mask]))
    mask = np.array([r["group"] == "hard-ham-1" for r in rows])
    cases.append(make_case("spamassassin_hard_ham_1", spam_classes, y[mask], pred[mask],
                           probs[mask]))

    credit_classes = ["bad", "good"]
    rows, y, pred, probs = read_csv(root + "/examples/credit/validation.csv", credit_classes)
    cases.append(make_case("credit_validation", credit_classes, y, pred, probs))
    ages = np.array([float(r["Age"]) for r in rows])
    mask = (ages >= 18) & (ages < 30)
    cases.append(make_case("credit_age_18_to_30", credit_classes, y[mask], pred[mask],
                           probs[mask]))
    return cases


def main():
    root, output = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(20240601)
    cases = dataset_cases(root) + generated_cases(rng)
    with open(output, "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f)


if __name__ == "__main__":
    main()
