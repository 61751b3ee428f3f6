"""What the scenarios' verify steps look at, written so that a failure never prints an AUTH token.

pytest rewrites asserts only in test modules and conftest files: the checks here fail with their own
messages, in which every URL is redacted, and hide their frames (whose arguments hold tokens) from tracebacks.
"""

from __future__ import annotations

import os
import re
import subprocess
from urllib.parse import quote

ENV_KEYS = {"REDIS_URL", "REDIS_QUEUE_URL", "REDIS_PUBSUB_URL", "REDIS_TLS", "QUEUE_PREFIX"}
URL_KEYS = ("REDIS_URL", "REDIS_QUEUE_URL", "REDIS_PUBSUB_URL")


def redact(url: str) -> str:
    return re.sub(r"^(\w+://[^:/@]*):[^@]*@", r"\1:***@", url)


def expected_url(endpoint: str, port: int, tls: bool, token: str | None) -> str:
    """The URL a client needs, computed here independently of the collection's own filter."""
    auth = f"default:{quote(token, safe='')}@" if token else ""
    return f"{'rediss' if tls else 'redis'}://{auth}{endpoint}:{port}"


def assert_url(actual: str, expected: str, where: str) -> None:
    __tracebackhide__ = True  # pylint: disable=unused-variable  # its arguments hold the token
    if actual != expected:
        detail = "the token part differs" if redact(actual) == redact(expected) else f"expected {redact(expected)}"
        raise AssertionError(f"{where} is {redact(actual)}: {detail}")


def env_file(host, path: str) -> dict[str, str]:
    """KEY=value lines of an env file on a testinfra host."""
    pairs = {}
    for line in host.file(path).content_string.splitlines():
        if line.strip() and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            pairs[key] = value
    return pairs


def mentions(host, path: str, text: str) -> bool:
    """Whether a file on the host contains text (a bool, so a failing assert never shows the file's tokens)."""
    return text in host.file(path).content_string


def redis_cli(host, path: str, key: str, tls: bool, command: str) -> str:
    """redis-cli inside the host with the URL the env file holds (the token stays in the file); its answer."""
    __tracebackhide__ = True  # pylint: disable=unused-variable
    flag = "--tls " if tls else ""
    result = host.run(f'set -a; . {path}; exec redis-cli {flag}-u "${key}" {command}')
    if result.rc != 0:
        raise AssertionError(f"redis-cli {flag}-u ${key} {command} (from {path}) failed, rc={result.rc}, "
                             f"stderr {result.stderr.strip()!r}")
    return result.stdout.strip()


def ping(host, path: str, key: str, tls: bool) -> None:
    __tracebackhide__ = True  # pylint: disable=unused-variable
    answer = redis_cli(host, path, key, tls, "PING")
    if answer != "PONG":  # redis-cli exits 0 on NOAUTH and WRONGPASS: only the answer tells
        raise AssertionError(f"redis-cli -u ${key} (from {path}) answered {answer or 'nothing'!r}, not PONG")


def parameter(elasticache, group_name: str, name: str):
    for page in elasticache.get_paginator("describe_cache_parameters").paginate(CacheParameterGroupName=group_name):
        for found in page["Parameters"]:
            if found["ParameterName"] == name:
                return found.get("ParameterValue")
    raise AssertionError(f"parameter group {group_name} has no parameter {name}")


def primary_endpoint(elasticache, group_id: str) -> tuple[str, int]:
    group = elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]
    endpoint = group["NodeGroups"][0]["PrimaryEndpoint"]
    return endpoint["Address"], endpoint["Port"]


def security_group_rules(ec2, name: str) -> list[dict]:
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])["SecurityGroups"]
    assert len(groups) == 1, f"{len(groups)} security groups named {name}"
    return groups[0]["IpPermissions"]


def security_group_id(ec2, name: str) -> str:
    return ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])["SecurityGroups"][0]["GroupId"]


def subnet_group_zones(elasticache, name: str) -> set[str]:
    group = elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=name)["CacheSubnetGroups"][0]
    return {subnet["SubnetAvailabilityZone"]["Name"] for subnet in group["Subnets"]}


def alarms(cloudwatch, prefix: str) -> dict[str, dict]:
    found = {}
    for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix):
        found.update((alarm["AlarmName"], alarm) for alarm in page["MetricAlarms"])
    return found


def playbook(playbook: str, *args: str) -> tuple[int, str]:
    """ansible-playbook on the scenario's inventories (Molecule's hosts, shared and scenario group_vars).

    Runs inside Molecule's verify step, whose environment already points Ansible at the collection and at
    the scenario's emulator (AWS_ENDPOINT_URL, dummy credentials).
    """
    inventories = [os.path.dirname(os.environ["MOLECULE_INVENTORY_FILE"]),
                   os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "molecule", "shared", "inventory"),
                   os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "inventory")]
    argv = ["ansible-playbook", *[f"--inventory={path}" for path in inventories], playbook, *args]
    answer = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False,
                            env={**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"})
    return answer.returncode, answer.stdout + answer.stderr
