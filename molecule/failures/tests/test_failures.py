"""Each wrong input fails with a message that names the cause, and the env files written before stay as they were."""

import os
import re

import pytest

from tests.molecule_support import bed as testbed
from tests.molecule_support import checks

ENV_FILE = "/etc/funmagic/web.env"
PING = os.path.join(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", os.path.dirname(os.path.dirname(__file__))), "ping.yml")


@pytest.fixture
def env_files_kept(hosts):
    """Fails the test if the env file changed while it ran."""
    before = hosts["app1"].file(ENV_FILE).sha256sum
    yield
    assert hosts["app1"].file(ENV_FILE).sha256sum == before, f"{ENV_FILE} was rewritten by a failed run"
    assert hosts["app1"].file(ENV_FILE).mode == 0o640


@pytest.fixture
def no_mutation(bed):
    """Fails the test if AWS received a mutating call while it ran."""
    start = max([entry["seq"] for entry in testbed.control(bed["endpoint"], "requests")], default=0)
    yield
    mutating = [e["operation"] for e in testbed.control(bed["endpoint"], f"requests?since={start}") if e["mutating"]]
    assert mutating == [], f"a refused run still sent {mutating}"


def runbook(*args):
    code, output = checks.playbook("funmagic.elasticache.redis", *args)
    assert code != 0, "the run should have failed"
    return output


def test_a_missing_app_security_group_is_named(env_files_kept, no_mutation):
    output = runbook("-e", "network_app_security_group=funmagic-missing-sg")
    assert "network_app_security_group" in output and "funmagic-missing-sg" in output


def test_subnets_in_one_zone_are_refused(aws, env_files_kept, no_mutation):
    subnet = aws.ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    output = runbook("-e", f'{{"network_subnet_ids": ["{subnet["SubnetId"]}"]}}')
    assert "network_subnet_ids" in output and subnet["AvailabilityZone"] in output


def ping_failure(inputs, *args):
    """(endpoint, cause) from redis_ping's "No PONG from HOST:PORT (CAUSE): hint" message."""
    code, output = checks.playbook(PING, *args)
    assert code != 0, "the PING should have failed"
    assert not any(token in output for token in inputs["cache_auth_tokens"].values()), "a token is in the output"
    found = re.search(r"No PONG from (\S+) \((\w+)\)", output)
    assert found, output[-2000:]
    return found.group(1), found.group(2)


def test_a_wrong_port_is_a_tcp_failure(aws, inputs, env_files_kept):
    host, _port = checks.primary_endpoint(aws.elasticache, "funmagic-main")
    assert ping_failure(inputs, "-e", f"ping_instance=main ping_host={host} ping_port=6380 ping_tls=true") == (f"{host}:6380", "tcp")


def test_tls_against_an_endpoint_without_tls_is_a_tls_failure(aws, inputs, env_files_kept):
    host, port = checks.primary_endpoint(aws.elasticache, "funmagic-plain")
    assert ping_failure(inputs, "-e", f"ping_instance=plain ping_host={host} ping_port={port} ping_tls=true") == (f"{host}:{port}", "tls")


def test_a_wrong_token_is_an_auth_failure(aws, inputs, env_files_kept):
    host, port = checks.primary_endpoint(aws.elasticache, "funmagic-main")
    assert ping_failure(inputs, "-e", f"ping_instance=main ping_host={host} ping_port={port} ping_tls=true",
                        "-e", "ping_password=Wrong-Token-0123456789") == (f"{host}:{port}", "auth")
