"""A small Open Inference Protocol (KServe v2) server, independent of goalpost's C++ code.

It serves two models over gRPC with Debian's python3-grpcio, for testing
goalpost's kserve_v2 model kind against a server that goalpost did not write:

* `spam`: the SpamAssassin TF-IDF + logistic regression JSON model, evaluated
  with Python's `re` and numpy. Input `TEXT` BYTES [N]; output `PROBABILITIES`
  FP64 [N, 2].
* `credit`: the credit XGBoost model, run by python3-xgboost. Input `INPUT__0`
  FP32 [N, 13] (categorical features as codes, NaN for missing); output
  `OUTPUT__0` FP32 [N, 2].

Usage (from the repository root, with the stubs that the build generates):
    /usr/bin/python3 tests/kserve_v2/kserve_v2_server.py --stubs BUILD/python --port PORT

It listens on 127.0.0.1 only and prints "listening on 127.0.0.1:PORT" once it
serves. It stops on SIGTERM or SIGINT.
"""

import argparse
import json
import math
import re
import signal
import sys
import threading
from concurrent import futures

import numpy as np

TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")


class SpamModel:
    """The TF-IDF + logistic regression JSON artifact evaluated with numpy."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as source:
            artifact = json.load(source)
        self.classes = artifact["classes"]
        self.vocabulary = artifact["vocabulary"]
        self.idf = np.array(artifact["idf"])
        self.coef = np.array(artifact["coef"])
        self.intercept = np.array(artifact["intercept"])

    def predict_proba(self, texts):
        rows = []
        for text in texts:
            counts = {}
            for token in TOKEN_PATTERN.findall(text.lower()):
                column = self.vocabulary.get(token)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            columns = sorted(counts)
            weights = np.array([(math.log(counts[c]) + 1.0) * self.idf[c] for c in columns])
            norm = math.sqrt(float(np.dot(weights, weights))) if columns else 0.0
            if norm > 0:
                weights = weights / norm
            score = float(np.dot(weights, self.coef[0][columns])) + self.intercept[0]
            positive = 1.0 / (1.0 + math.exp(-score))
            rows.append([1.0 - positive, positive])
        return np.array(rows, dtype=np.float64).reshape(len(texts), 2)


class CreditModel:
    """The credit XGBoost model run by python3-xgboost on codes."""

    def __init__(self, path):
        import xgboost
        self.booster = xgboost.Booster()
        self.booster.load_model(path)
        self.feature_count = self.booster.num_features()

    def predict_proba(self, matrix):
        good = self.booster.inplace_predict(matrix, missing=np.nan).astype(np.float32)
        return np.stack([np.float32(1.0) - good, good], axis=1)


def make_servicer(pb2, pb2_grpc, spam, credit):
    metadata = {
        "spam": pb2.ModelMetadataResponse(
            name="spam", versions=["1"], platform="numpy",
            inputs=[pb2.ModelMetadataResponse.TensorMetadata(name="TEXT", datatype="BYTES",
                                                             shape=[-1])],
            outputs=[pb2.ModelMetadataResponse.TensorMetadata(name="PROBABILITIES",
                                                              datatype="FP64", shape=[-1, 2])]),
        "credit": pb2.ModelMetadataResponse(
            name="credit", versions=["1"], platform="xgboost",
            inputs=[pb2.ModelMetadataResponse.TensorMetadata(
                name="INPUT__0", datatype="FP32", shape=[-1, credit.feature_count])],
            outputs=[pb2.ModelMetadataResponse.TensorMetadata(name="OUTPUT__0",
                                                              datatype="FP32", shape=[-1, 2])]),
    }

    class Servicer(pb2_grpc.GRPCInferenceServiceServicer):
        def ServerLive(self, request, context):
            return pb2.ServerLiveResponse(live=True)

        def ServerReady(self, request, context):
            return pb2.ServerReadyResponse(ready=True)

        def ServerMetadata(self, request, context):
            return pb2.ServerMetadataResponse(name="kserve-v2-test-server", version="1")

        def ModelReady(self, request, context):
            return pb2.ModelReadyResponse(ready=request.name in metadata)

        def ModelMetadata(self, request, context):
            if request.name not in metadata:
                context.abort(5, "unknown model %r" % request.name)  # NOT_FOUND
            return metadata[request.name]

        def ModelInfer(self, request, context):
            if request.model_name not in metadata:
                context.abort(5, "unknown model %r" % request.model_name)
            tensor = request.inputs[0]
            if request.model_name == "spam":
                texts = [value.decode("utf-8") for value in tensor.contents.bytes_contents]
                output = pb2.ModelInferResponse.InferOutputTensor(
                    name="PROBABILITIES", datatype="FP64", shape=[len(texts), 2])
                output.contents.fp64_contents.extend(spam.predict_proba(texts).ravel().tolist())
            else:
                if tensor.datatype == "FP32":
                    values = np.array(tensor.contents.fp32_contents, dtype=np.float32)
                else:
                    values = np.array(tensor.contents.fp64_contents, dtype=np.float32)
                matrix = values.reshape(list(tensor.shape))
                probabilities = credit.predict_proba(matrix)
                output = pb2.ModelInferResponse.InferOutputTensor(
                    name="OUTPUT__0", datatype="FP32", shape=list(probabilities.shape))
                output.contents.fp32_contents.extend(probabilities.ravel().tolist())
            return pb2.ModelInferResponse(model_name=request.model_name, model_version="1",
                                          id=request.id, outputs=[output])

    return Servicer()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True, help="folder with the generated Python stubs")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spam-model", default="examples/spamassassin/spam_tfidf_logreg.json")
    parser.add_argument("--credit-model", default="examples/credit/credit_xgb.json")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    import grpc
    from inference import grpc_predict_v2_pb2 as pb2
    from inference import grpc_predict_v2_pb2_grpc as pb2_grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb2_grpc.add_GRPCInferenceServiceServicer_to_server(
        make_servicer(pb2, pb2_grpc, SpamModel(args.spam_model), CreditModel(args.credit_model)),
        server)
    server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    print("listening on 127.0.0.1:%d" % args.port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=1).wait()


if __name__ == "__main__":
    main()
