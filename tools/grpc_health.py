#!/usr/bin/python3
"""Query the grpc.health.v1 status and server reflection of gRPC servers.

Debian 12 ships grpcio without the grpcio-health-checking and
grpcio-reflection packages, so this script encodes the few protobuf messages
it needs by hand (the protobuf wire format) and calls the methods through
grpcio's untyped channel API.

Examples:
  grpc_health.py 127.0.0.1:50051                 # print the status, exit 0 if SERVING
  grpc_health.py --wait 60 127.0.0.1:50051 ...   # poll until all are SERVING
  grpc_health.py --list-services 127.0.0.1:50051 # print the reflected service names
"""

import argparse
import sys
import time

import grpc

HEALTH_CHECK_METHOD = "/grpc.health.v1.Health/Check"
REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"

# grpc.health.v1.HealthCheckResponse.ServingStatus
STATUS_NAMES = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}

WIRE_VARINT = 0
WIRE_FIXED64 = 1
WIRE_LENGTH_DELIMITED = 2
WIRE_FIXED32 = 5


def encode_varint(value):
    out = bytearray()
    while True:
        low_bits = value & 0x7F
        value >>= 7
        if value:
            out.append(low_bits | 0x80)
        else:
            out.append(low_bits)
            return bytes(out)


def encode_string_field(field_number, text):
    data = text.encode("utf-8")
    key = encode_varint((field_number << 3) | WIRE_LENGTH_DELIMITED)
    return key + encode_varint(len(data)) + data


def decode_varint(data, position):
    value = 0
    shift = 0
    while True:
        if position >= len(data):
            raise ValueError("truncated varint in protobuf message")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def decode_fields(data):
    """Return the (field number, value) pairs of one protobuf message.

    Varints decode to int, length-delimited fields stay bytes; fixed-width
    fields are skipped because none of the messages here use them.
    """
    fields = []
    position = 0
    while position < len(data):
        key, position = decode_varint(data, position)
        field_number, wire_type = key >> 3, key & 0x7
        if wire_type == WIRE_VARINT:
            value, position = decode_varint(data, position)
            fields.append((field_number, value))
        elif wire_type == WIRE_LENGTH_DELIMITED:
            length, position = decode_varint(data, position)
            fields.append((field_number, data[position:position + length]))
            position += length
        elif wire_type == WIRE_FIXED64:
            position += 8
        elif wire_type == WIRE_FIXED32:
            position += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type} in protobuf message")
    return fields


def health_status(channel, service, timeout_seconds):
    """Return the serving status name of `service` ("" = whole server)."""
    check = channel.unary_unary(HEALTH_CHECK_METHOD)
    request = encode_string_field(1, service) if service else b""
    response = check(request, timeout=timeout_seconds)

    # HealthCheckResponse { ServingStatus status = 1; } and proto3 omits the
    # default, so an empty response means UNKNOWN.
    status = 0
    for field_number, value in decode_fields(response):
        if field_number == 1:
            status = value
    return STATUS_NAMES.get(status, str(status))


def list_services(channel, timeout_seconds):
    """Return the service names that server reflection (v1alpha) lists."""
    reflection = channel.stream_stream(REFLECTION_METHOD)

    # ServerReflectionRequest { string list_services = 7; } inside a oneof,
    # so an empty string is still sent.
    request = encode_string_field(7, "")
    responses = reflection(iter([request]), timeout=timeout_seconds)

    names = []
    for response in responses:
        for field_number, value in decode_fields(response):
            if field_number == 7:  # error_response
                raise RuntimeError(f"server reflection returned an error: {value!r}")
            if field_number != 6:  # list_services_response
                continue
            for service_field, service in decode_fields(value):
                if service_field != 1:
                    continue
                for name_field, name in decode_fields(service):
                    if name_field == 1:
                        names.append(name.decode("utf-8"))
    return sorted(names)


def current_status(address, service, timeout_seconds):
    with grpc.insecure_channel(address) as channel:
        try:
            return health_status(channel, service, timeout_seconds)
        except grpc.RpcError as error:
            # The health service returns NOT_FOUND for a service name it
            # does not know.
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return "SERVICE_UNKNOWN"
            return f"UNREACHABLE ({error.code().name})"


def wait_until_serving(addresses, service, wait_seconds):
    deadline = time.monotonic() + wait_seconds
    statuses = {}
    while True:
        statuses = {address: current_status(address, service, 2.0) for address in addresses}
        if all(status == "SERVING" for status in statuses.values()):
            return statuses
        if time.monotonic() >= deadline:
            return statuses
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addresses", nargs="+", metavar="HOST:PORT")
    parser.add_argument("--service", default="",
                        help="health service name to check; default: the whole server")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="poll until every address is SERVING or SECONDS pass")
    parser.add_argument("--list-services", action="store_true",
                        help="print the services that server reflection lists")
    arguments = parser.parse_args()

    if arguments.list_services:
        for address in arguments.addresses:
            with grpc.insecure_channel(address) as channel:
                for name in list_services(channel, 10.0):
                    print(f"{address} {name}")
        return 0

    statuses = wait_until_serving(arguments.addresses, arguments.service, arguments.wait)
    for address, status in statuses.items():
        print(f"{address} {status}")
    return 0 if all(status == "SERVING" for status in statuses.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
