"""Selects the rows of filter_bench's filters with pandas boolean masks.

filter_bench writes its generated table and its filters to a folder (the
filters as protobuf JSON with field names as in the .proto). It then runs
this script on that folder, which evaluates the same rows and filters the
way a pandas user would write them.
Token conditions get boolean columns built from the same token-index row
lists, untimed, as the C++ side gets its row lists. Prints one line
"count <filter> <rows>" per filter and then "seconds <cpu seconds>".
"""

import json
import operator
import sys
import time
from functools import reduce

import numpy as np
import pandas as pd

COMPARISONS = {
    "COMPARISON_OPERATOR_LESS": operator.lt,
    "COMPARISON_OPERATOR_LESS_EQUAL": operator.le,
    "COMPARISON_OPERATOR_GREATER": operator.gt,
    "COMPARISON_OPERATOR_GREATER_EQUAL": operator.ge,
    "COMPARISON_OPERATOR_EQUAL": operator.eq,
    "COMPARISON_OPERATOR_NOT_EQUAL": operator.ne,
}


def load(folder):
    meta = json.load(open(f"{folder}/meta.json"))
    rows = meta["row_count"]
    frame = pd.DataFrame({
        name: np.fromfile(f"{folder}/{name}.f64", dtype="<f8", count=rows)
        for name in ("age", "income", "score", "confidence")
    })
    for name in ("country", "city"):
        codes = np.fromfile(f"{folder}/{name}.i32", dtype="<i4", count=rows)
        frame[name] = pd.Categorical.from_codes(codes, meta[name])
    for name in ("label", "prediction"):
        codes = np.fromfile(f"{folder}/{name}.i32", dtype="<i4", count=rows)
        frame[name] = pd.Categorical.from_codes(codes, meta["class_names"])
    words = {}
    for index in range(meta["word_count"]):
        mask = np.zeros(rows, dtype=bool)
        mask[np.fromfile(f"{folder}/word{index}.i64", dtype="<i8")] = True
        words[f"word{index}"] = mask
    return frame, words, meta["filters"]


def mask_of(condition, frame, words):
    if "token" in condition:
        token = condition["token"]
        masks = [words[t.lower()] for t in token["tokens"]]
        combine = operator.or_ if token.get("match") == "TOKEN_MATCH_ANY" else operator.and_
        return pd.Series(reduce(combine, masks), index=frame.index)
    if "regex" in condition:
        regex = condition["regex"]
        return frame[regex["column"]].str.contains(regex["pattern"], regex=True, na=False).astype(bool)
    if "comparison" in condition:
        comparison = condition["comparison"]
        column = frame[comparison["column"]]
        value = comparison["number"] if "number" in comparison else comparison["text"]
        selected = COMPARISONS[comparison["operator"]](column, value)
        if comparison["operator"] == "COMPARISON_OPERATOR_NOT_EQUAL":
            selected &= column.notna()
        return selected
    if "between" in condition:
        between = condition["between"]
        return frame[between["column"]].between(between.get("lower", 0.0), between.get("upper", 0.0))
    if "in_set" in condition:
        return frame[condition["in_set"]["column"]].isin(condition["in_set"]["values"])
    if "missing" in condition:
        return frame[condition["missing"]["column"]].isna()
    if "column_comparison" in condition:
        comparison = condition["column_comparison"]
        equal = frame[comparison["left_column"]] == frame[comparison["right_column"]]
        return equal if comparison["operator"] == "COMPARISON_OPERATOR_EQUAL" else ~equal
    if "correctness" in condition:
        correct = frame["label"] == frame["prediction"]
        return correct if condition["correctness"] == "CORRECTNESS_CORRECT" else ~correct
    if "negation" in condition:
        return ~mask_of(condition["negation"], frame, words)
    if "all_of" in condition:
        return reduce(operator.and_, (mask_of(f, frame, words) for f in condition["all_of"]["filters"]))
    if "any_of" in condition:
        return reduce(operator.or_, (mask_of(f, frame, words) for f in condition["any_of"]["filters"]))
    raise ValueError(f"unsupported condition {condition}")


def main():
    frame, words, filters = load(sys.argv[1])
    start = time.process_time()
    counts = [int(mask_of(f, frame, words).sum()) for f in filters]
    seconds = time.process_time() - start
    for index, count in enumerate(counts):
        print(f"count {index} {count}")
    print(f"seconds {seconds:.6f}")


if __name__ == "__main__":
    main()
