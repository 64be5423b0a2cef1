"""Export a fitted scikit-learn text pipeline to goalpost's JSON artifact.

The artifact is what the inference service's tfidf_logistic_regression kind
reads: the TF-IDF options, vocabulary and idf weights, and the logistic
regression's classes, coefficients and intercepts. Binary models keep one row
of coefficients (predict_proba applies the logistic function); multinomial
models keep one row per class (predict_proba applies softmax).

Usage:
    from goalpost_client.export import export_text_pipeline
    artifact = export_text_pipeline(pipeline)          # a dict
    write_text_pipeline(pipeline, "model.json")        # the JSON file
"""

import json

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def _check_vectorizer(vectorizer):
    """Raise ValueError for TF-IDF options the inference service does not implement."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not isinstance(vectorizer, TfidfVectorizer):
        raise ValueError("the first pipeline step must be a TfidfVectorizer, not %s"
                         % type(vectorizer).__name__)
    unsupported = {
        "analyzer": (vectorizer.analyzer, "word"),
        "lowercase": (vectorizer.lowercase, True),
        "token_pattern": (vectorizer.token_pattern, DEFAULT_TOKEN_PATTERN),
        "ngram_range": (tuple(vectorizer.ngram_range), (1, 1)),
        "tokenizer": (vectorizer.tokenizer, None),
        "preprocessor": (vectorizer.preprocessor, None),
        "stop_words": (vectorizer.stop_words, None),
        "strip_accents": (vectorizer.strip_accents, None),
        "binary": (vectorizer.binary, False),
        "use_idf": (vectorizer.use_idf, True),
    }
    for name, (value, expected) in unsupported.items():
        if value != expected:
            raise ValueError("TfidfVectorizer.%s=%r is not supported; the inference service "
                             "implements only %r" % (name, value, expected))
    if vectorizer.norm not in ("l2", None):
        raise ValueError("TfidfVectorizer.norm=%r is not supported; use 'l2' or None"
                         % (vectorizer.norm,))


def _check_classifier(classifier):
    """Raise ValueError for a classifier whose predict_proba the service cannot reproduce."""
    from sklearn.linear_model import LogisticRegression

    if not isinstance(classifier, LogisticRegression):
        raise ValueError("the last pipeline step must be a LogisticRegression, not %s"
                         % type(classifier).__name__)
    class_count = len(classifier.classes_)
    if class_count == 2 and classifier.multi_class == "multinomial":
        raise ValueError("a binary LogisticRegression with multi_class='multinomial' is not "
                         "supported; fit it with multi_class='auto'")
    if class_count > 2 and (classifier.multi_class == "ovr" or classifier.solver == "liblinear"):
        raise ValueError("one-vs-rest multiclass LogisticRegression is not supported; fit it "
                         "with multi_class='multinomial' (the default for lbfgs)")


def export_text_pipeline(pipeline):
    """Return the JSON artifact (a dict) of a fitted Pipeline(TfidfVectorizer, LogisticRegression)."""
    vectorizer = pipeline.steps[0][1]
    classifier = pipeline.steps[-1][1]
    if len(pipeline.steps) != 2:
        raise ValueError("the pipeline must have exactly two steps, not %d" % len(pipeline.steps))
    _check_vectorizer(vectorizer)
    _check_classifier(classifier)

    return {
        "kind": "tfidf_logistic_regression",
        "lowercase": True,
        "token_pattern": vectorizer.token_pattern,
        "sublinear_tf": bool(vectorizer.sublinear_tf),
        "norm": vectorizer.norm,
        "classes": [str(name) for name in classifier.classes_],
        "vocabulary": {token: int(column) for token, column in vectorizer.vocabulary_.items()},
        "idf": [float(value) for value in vectorizer.idf_],
        "coef": [[float(value) for value in row] for row in classifier.coef_],
        "intercept": [float(value) for value in classifier.intercept_],
    }


def write_text_pipeline(pipeline, path):
    """Write the JSON artifact of `pipeline` to `path`.

    json.dump writes floats with Python's shortest round-trip repr, so the
    service reads back the same float64 values.
    """
    with open(path, "w", encoding="utf-8") as out:
        json.dump(export_text_pipeline(pipeline), out, ensure_ascii=False)
