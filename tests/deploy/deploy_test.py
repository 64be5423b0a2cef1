#!/usr/bin/python3
"""Checks of the deployment files that need no container runtime.

KustomizeBaseTest renders deploy/k8s with `kubectl kustomize` and checks the
objects; ComposeFileTest validates docker-compose.yml with `docker-compose
config` and checks the resolved services. Run from the repository root:

  /usr/bin/python3 tests/deploy/deploy_test.py KustomizeBaseTest
"""

import os
import subprocess
import sys
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Service name -> (port, needs the database, peer address flags).
SERVICES = {
    "datasets": (50051, True, []),
    "inference": (50052, True, ["datasets"]),
    "metrics": (50053, False, ["datasets"]),
    "explain": (50054, False, ["datasets", "inference"]),
    "orchestrator": (50055, True, ["datasets", "inference", "metrics", "explain"]),
}
AUTOSCALED = {"metrics", "explain"}


def run_tool(arguments):
    result = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(arguments)} exited with {result.returncode}:\n{result.stderr}")
    return result.stdout


class KustomizeBaseTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        rendered = run_tool(["kubectl", "kustomize", "deploy/k8s"])
        cls.objects = [doc for doc in yaml.safe_load_all(rendered) if doc]

    def find(self, kind, name):
        for obj in self.objects:
            if obj["kind"] == kind and obj["metadata"]["name"] == name:
                return obj
        self.fail(f"the rendered base has no {kind} {name}")

    def container(self, service):
        deployment = self.find("Deployment", f"goalpost-{service}")
        containers = deployment["spec"]["template"]["spec"]["containers"]
        self.assertEqual(len(containers), 1, f"goalpost-{service} containers")
        return containers[0]

    def test_five_deployments_in_namespace(self):
        names = sorted(obj["metadata"]["name"] for obj in self.objects
                       if obj["kind"] == "Deployment")
        self.assertEqual(names, sorted(f"goalpost-{s}" for s in SERVICES))
        for obj in self.objects:
            if obj["kind"] != "Namespace":
                self.assertEqual(obj["metadata"].get("namespace"), "goalpost",
                                 f"{obj['kind']} {obj['metadata']['name']}")

    def test_probes_are_native_grpc(self):
        for service, (port, _, _) in SERVICES.items():
            with self.subTest(service=service):
                container = self.container(service)
                # Startup and readiness follow the dependencies (the
                # whole-server status); liveness requests the "liveness"
                # name, which stays SERVING while the process runs.
                expected = {
                    "startupProbe": {"port": port},
                    "readinessProbe": {"port": port},
                    "livenessProbe": {"port": port, "service": "liveness"},
                }
                for probe, grpc_probe in expected.items():
                    self.assertIn(probe, container)
                    self.assertEqual(container[probe].get("grpc"), grpc_probe,
                                     f"{probe} of goalpost-{service}")
                self.assertEqual(container["ports"], [{"name": "grpc", "containerPort": port}])

    def test_command_and_flags(self):
        for service, (port, _, peers) in SERVICES.items():
            with self.subTest(service=service):
                container = self.container(service)
                self.assertEqual(container["command"], [f"goalpost-{service}"])
                arguments = container["args"]
                self.assertIn(f"--listen_address=0.0.0.0:{port}", arguments)
                for peer in peers:
                    variable = f"GOALPOST_{peer.upper()}_ADDRESS"
                    self.assertIn(f"--{peer}_address=$({variable})", arguments)
                    self.assertEqual(
                        self.find("ConfigMap", "goalpost-config")["data"][variable],
                        f"goalpost-{peer}:{SERVICES[peer][0]}")

    def test_database_url_from_secret(self):
        for service, (_, needs_database, _) in SERVICES.items():
            with self.subTest(service=service):
                environment = {e["name"]: e for e in self.container(service).get("env", [])}
                if not needs_database:
                    self.assertNotIn("GOALPOST_DATABASE_URL", environment)
                    continue
                reference = environment["GOALPOST_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
                self.assertEqual(reference, {"name": "goalpost-database", "key": "url"})
        for obj in self.objects:
            self.assertNotEqual(obj["kind"], "Secret", "no Secret with a password is committed")

    def test_resource_limits(self):
        for service in SERVICES:
            with self.subTest(service=service):
                resources = self.container(service)["resources"]
                self.assertIn("cpu", resources["limits"])
                self.assertIn("memory", resources["limits"])
                self.assertIn("cpu", resources["requests"])
                self.assertIn("memory", resources["requests"])

    def test_services_select_deployments(self):
        for service, (port, _, _) in SERVICES.items():
            with self.subTest(service=service):
                kubernetes_service = self.find("Service", f"goalpost-{service}")
                deployment = self.find("Deployment", f"goalpost-{service}")
                pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
                selector = kubernetes_service["spec"]["selector"]
                self.assertTrue(selector.items() <= pod_labels.items())
                self.assertEqual(kubernetes_service["spec"]["ports"][0]["port"], port)

    def test_stateless_services_autoscale(self):
        autoscalers = [obj for obj in self.objects if obj["kind"] == "HorizontalPodAutoscaler"]
        targets = sorted(obj["spec"]["scaleTargetRef"]["name"] for obj in autoscalers)
        self.assertEqual(targets, sorted(f"goalpost-{s}" for s in AUTOSCALED))
        for service in AUTOSCALED:
            deployment = self.find("Deployment", f"goalpost-{service}")
            self.assertNotIn("replicas", deployment["spec"],
                             "an autoscaled Deployment leaves replicas to its autoscaler")

    def test_development_postgres(self):
        statefulset = self.find("StatefulSet", "goalpost-postgres")
        self.assertEqual(statefulset["spec"]["serviceName"], "goalpost-postgres")
        self.find("Service", "goalpost-postgres")
        container = statefulset["spec"]["template"]["spec"]["containers"][0]
        self.assertTrue(container["image"].startswith("postgres:15"))
        self.assertEqual(statefulset["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
                         "data")


class ComposeFileTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        resolved = run_tool(["docker-compose", "--file", "docker-compose.yml", "config"])
        cls.services = yaml.safe_load(resolved)["services"]

    def test_postgres_and_five_services(self):
        self.assertEqual(sorted(self.services), sorted(["postgres", *SERVICES]))

    def test_health_checks(self):
        for service, (port, _, _) in SERVICES.items():
            with self.subTest(service=service):
                test = self.services[service]["healthcheck"]["test"]
                self.assertEqual(test[0], "CMD")
                self.assertIn("/usr/local/bin/grpc_health.py", test)
                self.assertEqual(test[-1], f"127.0.0.1:{port}")
        self.assertIn("pg_isready", self.services["postgres"]["healthcheck"]["test"])

    def test_commands_ports_and_peers(self):
        for service, (port, needs_database, peers) in SERVICES.items():
            with self.subTest(service=service):
                definition = self.services[service]
                command = definition["command"]
                self.assertEqual(command[0], f"goalpost-{service}")
                self.assertIn(f"--listen_address=0.0.0.0:{port}", command)
                for peer in peers:
                    self.assertIn(f"--{peer}_address={peer}:{SERVICES[peer][0]}", command)
                    self.assertEqual(
                        definition["depends_on"][peer], {"condition": "service_healthy"})
                # Published on loopback only.
                self.assertEqual(definition["ports"], [f"127.0.0.1:{port}:{port}/tcp"])
                environment = definition.get("environment", {})
                self.assertEqual("GOALPOST_DATABASE_URL" in environment, needs_database)


if __name__ == "__main__":
    unittest.main(verbosity=2)
