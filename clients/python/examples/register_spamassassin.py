"""Register the SpamAssassin text model with goalpost-inference and predict a few mails.

Run with Debian's /usr/bin/python3 from the repository root, with a running
goalpost-inference and the stubs that the build generates:

    /usr/bin/python3 clients/python/examples/register_spamassassin.py \
        --stubs build/python --address 127.0.0.1:50052 [--refit]

Without --refit it uploads the shipped examples/spamassassin/spam_tfidf_logreg.json.
With --refit it fits Pipeline(TfidfVectorizer, LogisticRegression) on
examples/spamassassin/training.csv and uploads the exporter's artifact.
"""

import argparse
import csv
import json
import os
import sys

CHUNK_BYTES = 1 << 20


def fit_pipeline(training_csv):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    with open(training_csv, newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    pipeline = Pipeline([
        ("tfidf", TfidfVectorizer(lowercase=True, sublinear_tf=True, min_df=3,
                                  max_features=20000)),
        ("logreg", LogisticRegression(C=0.3, max_iter=1000)),
    ])
    return pipeline.fit([row["text"] for row in rows], [row["label"] for row in rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True, help="the build's python folder")
    parser.add_argument("--address", default="127.0.0.1:50052")
    parser.add_argument("--project", default="projects/demo")
    parser.add_argument("--model-id", default="spam-tfidf-logreg")
    parser.add_argument("--refit", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import grpc
    from goalpost.inference.v1 import inference_pb2 as pb2
    from goalpost.inference.v1 import inference_pb2_grpc as pb2_grpc
    from goalpost_client.export import export_text_pipeline

    data = os.path.join("examples", "spamassassin")
    if args.refit:
        artifact = json.dumps(export_text_pipeline(
            fit_pipeline(os.path.join(data, "training.csv")))).encode("utf-8")
    else:
        with open(os.path.join(data, "spam_tfidf_logreg.json"), "rb") as source:
            artifact = source.read()

    spec = pb2.ModelSpec(project=args.project, model_id=args.model_id,
                         kind=pb2.MODEL_KIND_TFIDF_LOGISTIC_REGRESSION,
                         class_names=["ham", "spam"], text_column="text",
                         description="SpamAssassin TF-IDF + logistic regression")

    def register_requests():
        yield pb2.RegisterModelRequest(spec=spec)
        for start in range(0, len(artifact), CHUNK_BYTES):
            yield pb2.RegisterModelRequest(artifact_chunk=artifact[start:start + CHUNK_BYTES])

    stub = pb2_grpc.InferenceServiceStub(grpc.insecure_channel(args.address))
    model = stub.RegisterModel(register_requests()).model
    print("registered %s (%d bytes, sha256 %s)" % (model.name, model.artifact_bytes,
                                                    model.artifact_sha256))

    texts = ["Congratulations! You have won a FREE cruise. Click here to claim your prize.",
             "Can we move tomorrow's design review to 3pm? The build is still red."]
    request = pb2.PredictRequest(model=model.name, text=pb2.TextBatch(texts=texts))
    for response in stub.Predict(iter([request])):
        for row, text in enumerate(texts):
            probabilities = response.probabilities[row * response.class_count:
                                                   (row + 1) * response.class_count]
            predicted = spec.class_names[response.predicted_class[row]]
            print("%-5s %s  %s" % (predicted, ["%.4f" % p for p in probabilities], text[:60]))


if __name__ == "__main__":
    main()
