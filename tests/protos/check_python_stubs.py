"""Checks that the Python stubs generated from proto/ import and work.

Usage: check_python_stubs.py BUILD_PYTHON_DIR

Every goalpost service must have a client stub and a servicer base class,
and a request must survive serialisation. Exits non-zero on the first
failure, printing what failed.
"""

import importlib
import sys

SERVICES = {
    "goalpost.datasets.v1.datasets_pb2_grpc": "DatasetService",
    "goalpost.inference.v1.inference_pb2_grpc": "InferenceService",
    "goalpost.metrics.v1.metrics_pb2_grpc": "MetricsService",
    "goalpost.explain.v1.explain_pb2_grpc": "ExplainService",
    "goalpost.orchestrator.v1.orchestrator_pb2_grpc": "GoalOrchestrator",
    "third_party.grpc.health.v1.health_pb2_grpc": "Health",
    "third_party.grpc.reflection.v1alpha.reflection_pb2_grpc": "ServerReflection",
}


def check_services() -> int:
    checked = 0
    for module_name, service in SERVICES.items():
        module = importlib.import_module(module_name)
        for suffix in ("Stub", "Servicer"):
            if not hasattr(module, service + suffix):
                raise AssertionError(f"{module_name} has no {service}{suffix}")
        checked += 1
    return checked


def check_round_trip() -> None:
    from goalpost.orchestrator.v1 import orchestrator_pb2
    from goalpost.subpopulation.v1 import subpopulation_pb2

    goal = orchestrator_pb2.Goal(
        display_name="spam precision on free money",
        subpopulation='text has all("free", "money")',
        thresholds=[orchestrator_pb2.Threshold(
            metric="precision[spam]",
            operator=orchestrator_pb2.THRESHOLD_OPERATOR_GREATER_EQUAL,
            value=0.95)])
    parsed = orchestrator_pb2.Goal.FromString(goal.SerializeToString())
    if parsed != goal:
        raise AssertionError("Goal did not survive serialisation")

    token = subpopulation_pb2.Filter(token=subpopulation_pb2.TokenCondition(
        column="text", tokens=["free", "money"], match=subpopulation_pb2.TOKEN_MATCH_ALL))
    if subpopulation_pb2.Filter.FromString(token.SerializeToString()) != token:
        raise AssertionError("Filter did not survive serialisation")


def main() -> int:
    sys.path.insert(0, sys.argv[1])
    services = check_services()
    check_round_trip()
    print(f"python stubs: {services} services checked, round trip ok")
    print("2 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
