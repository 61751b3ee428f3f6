"""The environment's CloudWatch dashboard and the cost of a change before it is made, on the emulator.

provision.yml makes the dashboard (a graph per instance and metric, a line per node); a rerun puts nothing; a
--check --diff run with a node type change prints the monthly cost now and planned and changes nothing; destroy.yml
removes the dashboard. Also what moto 5.2.5 answers for the dashboard calls, against AWS's API reference.
"""

from __future__ import annotations

import json
import os
import re
import sys

import pytest
import yaml
from botocore.exceptions import ClientError

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.testbed.seed import seed

PLAYBOOKS = os.path.join(ROOT, "playbooks")
METRICS = ["CPUUtilization", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "CurrConnections",
           "NewConnections", "Evictions", "CacheHits", "CacheMisses"]


def _inventory(tmp_path, **changes):
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True, exist_ok=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump(dict({
        "aws_region": "us-east-1", "cache_name_prefix": "board",
        "cache_instances": [{"name": "main", "purpose": "main", "replicas": 1}, {"name": "queue", "purpose": "queue"}],
        "cache_auth_tokens": {"main": "Board-Test-Token-0123", "queue": "Board-Test-Token-0123"},
        "cache_wait_delay": 1, "network_app_security_group": "funmagic-ec2-sg", "monitoring_alarm_actions": [],
    }, **changes)))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return ["-i", str(inventory)]


def _calls(emulator, service):
    return [(r["operation"], r["mutating"]) for r in emulator.requests() if r["service"] == service]


def test_moto_dashboards_answer_as_the_api_reference_says(aws):
    cloudwatch = aws.cloudwatch
    body = json.dumps({"widgets": [{"type": "text", "x": 0, "y": 0, "width": 24, "height": 1,
                                    "properties": {"markdown": "hello"}}]}, indent=2)
    assert cloudwatch.put_dashboard(DashboardName="probe", DashboardBody=body)["DashboardValidationMessages"] == []
    found = cloudwatch.get_dashboard(DashboardName="probe")
    assert found["DashboardName"] == "probe" and found["DashboardBody"] == body  # kept as sent
    assert found["DashboardArn"].endswith(":dashboard/probe")
    for call, kwargs in ((cloudwatch.get_dashboard, {"DashboardName": "nothing"}),
                         (cloudwatch.delete_dashboards, {"DashboardNames": ["probe", "nothing"]})):
        with pytest.raises(ClientError) as error:
            call(**kwargs)
        assert error.value.response["Error"]["Code"] == "ResourceNotFound"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    # "If there is an error during this call, no dashboards are deleted."
    assert cloudwatch.get_dashboard(DashboardName="probe")["DashboardName"] == "probe"
    with pytest.raises(ClientError) as error:
        cloudwatch.put_dashboard(DashboardName="probe", DashboardBody="{not json")
    assert error.value.response["Error"]["Code"] == "InvalidParameterInput"
    cloudwatch.delete_dashboards(DashboardNames=["probe"])
    assert cloudwatch.list_dashboards()["DashboardEntries"] == []


def test_dashboard_made_kept_and_removed_and_a_node_type_change_priced_before_it_is_made(aws, emulator, tmp_path):
    seed(emulator.endpoint)
    args = _inventory(tmp_path)
    _rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "provision.yml"), emulator, *args)
    # New groups cost nothing now.
    assert re.search(r"main\s+new\s+\(none\)\s+cache\.t3\.micro redis x2\s+0\.00\s+24\.82", output)

    found = aws.cloudwatch.get_dashboard(DashboardName="board-redis")
    body = json.loads(found["DashboardBody"])
    titles = sorted(w["properties"]["title"] for w in body["widgets"] if w["type"] == "metric")
    assert titles == sorted(["main: %s" % m for m in METRICS + ["ReplicationLag"]] + ["queue: %s" % m for m in METRICS])
    lines = dict((w["properties"]["title"], [m[3] for m in w["properties"]["metrics"]])
                 for w in body["widgets"] if w["type"] == "metric")
    assert lines["main: CurrConnections"] == ["board-main-001", "board-main-002"]
    assert lines["queue: Evictions"] == ["board-queue-001"]

    # A rerun reads the dashboard and puts nothing; so does a check-mode run, which changes nothing at all.
    emulator.call("requests", method="DELETE")
    _rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "provision.yml"), emulator, *args)
    assert ("GetDashboard", False) in _calls(emulator, "cloudwatch")
    assert [call for call in _calls(emulator, "cloudwatch") if call[1]] == []
    assert re.search(r"Show the monthly cost now and planned\] \**\s+skipping: \[localhost\]", output)
    assert ("pricing", "GetProducts") not in [(r["service"], r["operation"]) for r in emulator.requests()]

    # A node type change, in check mode with diff: the cost now and planned, and not one mutating call.
    args = _inventory(tmp_path, cache_defaults={"node_type": "cache.t3.small"})
    emulator.call("requests", method="DELETE")
    _rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "provision.yml"), emulator, *args, "--check", "--diff")
    assert emulator.requests(mutating_only=True) == []
    flat = " ".join(output.split())
    print(output[output.find("Show the monthly cost now and planned"):][:1500])
    assert re.search(r"main\s+node type\s+cache\.t3\.micro redis x2\s+cache\.t3\.small redis x2\s+24\.82\s+49\.64",
                     output)
    assert re.search(r"queue\s+node type\s+cache\.t3\.micro redis x1\s+cache\.t3\.small redis x1\s+12\.41\s+24\.82",
                     output)
    assert "Total us-east-1: 37.23 USD/month now, 74.46 USD/month planned (+37.23)" in flat
    assert "Prices: AWS Price List API (GetProducts, pricing endpoint in us-east-1)" in flat
    assert ("pricing", "GetProducts") in [(r["service"], r["operation"]) for r in emulator.requests()]

    emulator.call("requests", method="DELETE")
    run_ansible.playbook(os.path.join(PLAYBOOKS, "destroy.yml"), emulator, *_inventory(tmp_path),
                         "-e", "destroy_confirm=board", "-e", "destroy_skip_final_snapshot=true")
    assert ("DeleteDashboards", True) in _calls(emulator, "cloudwatch")
    assert aws.cloudwatch.list_dashboards()["DashboardEntries"] == []
