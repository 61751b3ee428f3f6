"""Shared by every test folder: the checkout importable as ansible_collections.funmagic.elasticache
(tests/bin/bootstrap links it), and one private emulator per test session (its own port, address block
and short clock).

Under pytest-xdist (`make pytest`: 2 workers by default) every worker is a session of its own: its own emulator,
state dir and address block, FUNMAGIC_ADDRESS_BLOCK + the worker's index, set here before any test module is
imported so that every reader of the variable agrees. A test that starts a second emulator of its own gives it the
session's block + 100, which no worker's session emulator uses.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

from tests.emulator.__main__ import environment  # noqa: E402  pylint: disable=wrong-import-position


def pytest_configure(config):
    worker = getattr(config, "workerinput", None)
    if worker:
        base = int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2"))
        os.environ["FUNMAGIC_ADDRESS_BLOCK"] = str(base + int(worker["workerid"].lstrip("gw")))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, called on its controller only
def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup: a test file (or the files sharing a session bed) is one unit of work (tests/xdist_units.py)."""
    if config.getvalue("dist") == "loadgroup":
        from tests.xdist_units import FileUnitScheduling  # pylint: disable=import-outside-toplevel
        return FileUnitScheduling(config, log)
    return None


def address_block() -> int:
    """This session's (or xdist worker's) address block: its emulator binds 127.0.<block>.10 upwards."""
    return int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmulatorHandle:
    def __init__(self, endpoint: str, state_dir: str):
        self.endpoint = endpoint
        self.state_dir = state_dir

    def call(self, path: str, payload=None, method: str | None = None):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.endpoint}/_emulator/{path}", data=data,
                                         method=method or ("POST" if data is not None else "GET"),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def reset(self, **config):
        self.call("reset", {})
        self.call("config", {"create_seconds": 0.5, "modify_seconds": 0.3, "delete_seconds": 0.3, **config})

    def requests(self, mutating_only: bool = False):
        entries = self.call("requests")
        return [e for e in entries if e["mutating"]] if mutating_only else entries

    def state(self):
        return self.call("state")


@pytest.fixture(scope="session")
def emulator_session(tmp_path_factory):
    state_dir = str(tmp_path_factory.mktemp("testbed"))
    port = _free_port()
    args = [sys.executable, "-m", "tests.emulator", "--state-dir", state_dir, "--port", str(port),
            "--address-block", str(address_block())]
    subprocess.run(args[:3] + ["start"] + args[3:], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    handle = EmulatorHandle(f"http://127.0.0.1:{port}", state_dir)
    saved = {k: os.environ.get(k) for k in environment(handle.endpoint)}
    os.environ.update(environment(handle.endpoint))
    yield handle
    subprocess.run(args[:3] + ["stop"] + args[3:], cwd=ROOT, check=True)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def emulator(emulator_session):
    emulator_session.reset()
    return emulator_session


@pytest.fixture
def aws(emulator):
    """boto3 clients on the emulator, with retries off so that every answer is seen as sent."""
    import boto3  # pylint: disable=import-outside-toplevel
    from botocore.config import Config  # pylint: disable=import-outside-toplevel

    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=20)
    session = boto3.session.Session(region_name="us-east-1")

    class Clients:
        ec2 = session.client("ec2", config=config, endpoint_url=emulator.endpoint)
        elasticache = session.client("elasticache", config=config, endpoint_url=emulator.endpoint)
        cloudwatch = session.client("cloudwatch", config=config, endpoint_url=emulator.endpoint)

        @staticmethod
        def client(service, region="us-east-1", **kwargs):
            return session.client(service, region_name=region, config=config, endpoint_url=emulator.endpoint,
                                  **kwargs)

    return Clients
