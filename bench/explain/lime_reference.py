"""Time the reference `lime` package on SpamAssassin validation rows.

The classifier is the scikit-learn pipeline behind the shipped text model,
fitted here on examples/spamassassin/training.csv with the parameters of
examples/spamassassin/spam_tfidf_logreg.json (fitting is not timed). Each row
is explained as goalpost's bench does: 5,000 samples, 10 features, the
predicted class, seed 0.

Run with Debian's /usr/bin/python3 (scikit-learn 1.2) and the lime package on
PYTHONPATH, from the repository root:
    PYTHONPATH=/path/to/folder-holding-lime /usr/bin/python3 \
        bench/explain/lime_reference.py ROW_ID...
Prints one JSON object: rows, total seconds, seconds per explanation.
"""
import json
import sys
import time

import pandas as pd
from lime.lime_text import LimeTextExplainer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline


def main():
    row_ids = sys.argv[1:]
    training = pd.read_csv("examples/spamassassin/training.csv", keep_default_na=False)
    validation = pd.read_csv("examples/spamassassin/validation.csv", keep_default_na=False)
    texts = dict(zip(validation["id"], validation["text"]))

    pipeline = make_pipeline(
        TfidfVectorizer(lowercase=True, token_pattern=r"(?u)\b\w\w+\b", sublinear_tf=True,
                        min_df=3, max_features=20000),
        LogisticRegression(C=0.3, max_iter=1000))
    pipeline.fit(training["text"], training["label"])

    explainer = LimeTextExplainer(class_names=list(pipeline.classes_), random_state=0)
    start = time.perf_counter()
    for row_id in row_ids:
        text = texts[row_id]
        predicted = int(pipeline.predict_proba([text])[0].argmax())
        explainer.explain_instance(text, pipeline.predict_proba, labels=(predicted,),
                                   num_samples=5000, num_features=10)
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": len(row_ids), "seconds": seconds,
                      "seconds_per_explanation": seconds / max(1, len(row_ids))}))


if __name__ == "__main__":
    main()
