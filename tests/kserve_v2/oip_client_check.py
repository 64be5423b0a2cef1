"""Call goalpost-inference's Open Inference Protocol endpoint with the grpcio client.

Run with Debian's /usr/bin/python3 from the repository root:
    oip_client_check.py --stubs BUILD/python --address HOST:PORT \
        --text-model NAME --tabular-model NAME --references DIR

DIR holds text.json (texts, probabilities) and tabular.json (rows,
probabilities), the scikit-learn and python3-xgboost references. The script
checks server and model metadata, runs ModelInfer with typed contents and
with raw_input_contents, and exits with status 1 and a message on the first
mismatch.
"""

import argparse
import json
import struct
import sys

import numpy as np


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check_close(name, got, expected, tolerance):
    difference = float(np.max(np.abs(np.asarray(got) - np.asarray(expected))))
    print("%s: max difference %.3g" % (name, difference))
    if not difference <= tolerance:
        fail("%s differs by %g, more than %g" % (name, difference, tolerance))


def output_values(pb2, response, name, raw_used):
    for index, output in enumerate(response.outputs):
        if output.name != name:
            continue
        shape = list(output.shape)
        if raw_used:
            raw = response.raw_output_contents[index]
            if output.datatype == "FP64":
                return np.frombuffer(raw, dtype="<f8").reshape(shape)
            values, at = [], 0
            while at < len(raw):
                (length,) = struct.unpack_from("<I", raw, at)
                values.append(raw[at + 4:at + 4 + length].decode("utf-8"))
                at += 4 + length
            return values
        if output.datatype == "FP64":
            return np.array(output.contents.fp64_contents).reshape(shape)
        return [value.decode("utf-8") for value in output.contents.bytes_contents]
    fail("no output %r in the response" % name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--text-model", required=True)
    parser.add_argument("--tabular-model", required=True)
    parser.add_argument("--references", required=True)
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    import grpc
    from inference import grpc_predict_v2_pb2 as pb2
    from inference import grpc_predict_v2_pb2_grpc as pb2_grpc

    stub = pb2_grpc.GRPCInferenceServiceStub(grpc.insecure_channel(args.address))
    if not stub.ServerLive(pb2.ServerLiveRequest()).live:
        fail("ServerLive is false")
    if not stub.ServerReady(pb2.ServerReadyRequest()).ready:
        fail("ServerReady is false")
    if not stub.ModelReady(pb2.ModelReadyRequest(name=args.text_model)).ready:
        fail("ModelReady is false for the text model")
    metadata = stub.ModelMetadata(pb2.ModelMetadataRequest(name=args.text_model))
    if [i.datatype for i in metadata.inputs] != ["BYTES"]:
        fail("text model inputs are %s" % metadata.inputs)
    if {o.name for o in metadata.outputs} != {"probabilities", "predicted_class"}:
        fail("text model outputs are %s" % metadata.outputs)
    try:
        stub.ModelMetadata(pb2.ModelMetadataRequest(name=args.text_model + "-missing"))
        fail("ModelMetadata of an unknown model succeeded")
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            fail("unknown model gave %s, not NOT_FOUND" % error.code())

    with open(args.references + "/text.json", encoding="utf-8") as source:
        text = json.load(source)
    classes = text["classes"]
    expected = np.array(text["probabilities"])
    encoded = [t.encode("utf-8") for t in text["texts"]]

    # Typed contents.
    tensor = pb2.ModelInferRequest.InferInputTensor(name="text", datatype="BYTES",
                                                    shape=[len(encoded)])
    tensor.contents.bytes_contents.extend(encoded)
    response = stub.ModelInfer(pb2.ModelInferRequest(model_name=args.text_model, id="typed",
                                                     inputs=[tensor]))
    if response.id != "typed":
        fail("the response id is %r" % response.id)
    check_close("text probabilities (contents)",
                output_values(pb2, response, "probabilities", False), expected, 1e-9)
    names = output_values(pb2, response, "predicted_class", False)
    if names != [classes[i] for i in np.argmax(expected, axis=1)]:
        fail("predicted class names differ from the arg-max of scikit-learn's probabilities")

    # Raw contents, as Triton's clients send them.
    raw = b"".join(struct.pack("<I", len(t)) + t for t in encoded)
    tensor = pb2.ModelInferRequest.InferInputTensor(name="text", datatype="BYTES",
                                                    shape=[len(encoded)])
    response = stub.ModelInfer(pb2.ModelInferRequest(model_name=args.text_model, inputs=[tensor],
                                                     raw_input_contents=[raw]))
    check_close("text probabilities (raw)",
                output_values(pb2, response, "probabilities", True), expected, 1e-9)
    if output_values(pb2, response, "predicted_class", True) != names:
        fail("raw predicted class names differ from the typed ones")

    with open(args.references + "/tabular.json", encoding="utf-8") as source:
        tabular = json.load(source)
    rows = np.array([[np.nan if v is None else v for v in row] for row in tabular["rows"]])
    tensor = pb2.ModelInferRequest.InferInputTensor(name="features", datatype="FP32",
                                                    shape=list(rows.shape))
    tensor.contents.fp32_contents.extend(rows.astype(np.float32).ravel().tolist())
    response = stub.ModelInfer(pb2.ModelInferRequest(
        model_name=args.tabular_model, inputs=[tensor],
        outputs=[pb2.ModelInferRequest.InferRequestedOutputTensor(name="probabilities")]))
    if [o.name for o in response.outputs] != ["probabilities"]:
        fail("asked for probabilities only, got %s" % [o.name for o in response.outputs])
    check_close("tabular probabilities (FP32 contents)",
                output_values(pb2, response, "probabilities", False),
                np.array(tabular["probabilities"]), 1e-6)

    tensor = pb2.ModelInferRequest.InferInputTensor(name="features", datatype="FP64",
                                                    shape=list(rows.shape))
    response = stub.ModelInfer(pb2.ModelInferRequest(
        model_name=args.tabular_model, inputs=[tensor],
        raw_input_contents=[rows.astype("<f8").tobytes()]))
    check_close("tabular probabilities (FP64 raw)",
                output_values(pb2, response, "probabilities", True),
                np.array(tabular["probabilities"]), 1e-6)

    tensor = pb2.ModelInferRequest.InferInputTensor(name="features", datatype="INT32",
                                                    shape=list(rows.shape))
    try:
        stub.ModelInfer(pb2.ModelInferRequest(model_name=args.tabular_model, inputs=[tensor]))
        fail("an INT32 input was accepted")
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
            fail("an INT32 input gave %s, not INVALID_ARGUMENT" % error.code())
    print("OK")


if __name__ == "__main__":
    main()
