"""A node-based and a serverless instance side by side, on the emulator: the monthly cost the user reads (with the
serverless usage assumed and the Price List fallback said), the alarms in CloudWatch, the dashboard's widgets.

The model is built by hand, as the inputs action resolves an instance (kind, usage_limits, engine, engine_version,
replication_group_id), and given to the cost report's and the monitoring role's modules (node_prices, metric_alarms,
dashboard) in one playbook, with the tasks those entry points run. A rerun changes nothing. The last test runs the
real playbooks/cost_report.yml on an inventory with a kind: serverless instance.
"""

from __future__ import annotations

import json
import sys

import yaml

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived
from tests.integration import run_ansible
from tests.integration.test_prices import PLAYBOOK as PRICES_PLAYBOOK
from tests.integration.test_prices import _inventory as _prices_inventory

SETTINGS = {"prefix": "", "connections_limit": 1000, "period": 300, "evaluation_periods": 2, "actions": []}
MAIN = {"name": "main", "purpose": "main", "kind": "node", "node_type": "cache.t3.micro", "engine": "redis",
        "replicas": 1, "replication_group_id": "sv-main"}
QUEUE = {"name": "queue", "purpose": "queue", "kind": "serverless", "engine": "valkey", "engine_version": "8",
         "replication_group_id": "sv-queue",
         "usage_limits": {"data_storage": {"minimum": 1, "maximum": 10}, "ecpu_per_second": {"maximum": 5000}}}
GROUPS = [{"replication_group_id": "sv-main", "cache_node_type": "cache.t3.micro",
           "member_clusters": ["sv-main-001", "sv-main-002"]}]
PLAYBOOK = """
- name: Cost and monitoring of a node-based and a serverless instance
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Price every instance (AWS Price List API, else the bundled table)
      funmagic.elasticache.node_prices:
        cache_region: us-east-1
        instances: "{{ model.instances }}"
        cost_assumptions: "{{ cost_assumptions | default({}) }}"
        endpoint_url: "{{ aws_endpoint_url }}"
      register: __cost_prices
      tags: [cost]

    - name: Say why the bundled prices are used
      ansible.builtin.debug:
        msg: "Using the bundled prices: {{ __cost_prices.fallback_reason }}"
      when: __cost_prices.fallback_reason | length > 0
      tags: [cost]

    - name: Show the cost table
      ansible.builtin.debug:
        msg: "{{ __cost_prices.table }}"
      tags: [cost]

    - name: Create or update the alarms, and remove those of nodes that are gone
      funmagic.elasticache.metric_alarms:
        alarms: "{{ model.alarms }}"
        purge: "{{ model.alarm_purge }}"
        region: us-east-1
        endpoint_url: "{{ aws_endpoint_url }}"
      tags: [monitoring]

    - name: Create or update the environment's CloudWatch dashboard
      funmagic.elasticache.dashboard:
        prefix: sv
        instances: "{{ model.instances }}"
        alarms: "{{ model.alarms }}"
        region: us-east-1
        endpoint_url: "{{ aws_endpoint_url }}"
      tags: [monitoring]
"""


def _run(emulator, tmp_path, *args, instances=(MAIN, QUEUE)):
    instances = [dict(spec) for spec in instances]
    model = {"prefix": "sv", "monitoring": SETTINGS, "instances": instances}
    model["alarms"] = derived.alarms(instances, GROUPS, SETTINGS) + derived.serverless_alarms(instances, SETTINGS)
    model["alarm_purge"] = derived.alarm_purge(model)
    (tmp_path / "model.json").write_text(json.dumps({"model": model}))
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return run_ansible.playbook(str(tmp_path / "play.yml"), emulator, "-i", str(tmp_path / "hosts.yml"),
                                "-e", "@" + str(tmp_path / "model.json"), *args)[1]


def _flat(output):
    return " ".join(output.split())


def _assert_priced_with_the_price_list(flat):
    """Both instances in one table, the serverless one with its usage, minimum and arithmetic (Price List prices)."""
    assert "main cache.t3.micro redis 2 0.0170 24.82" in flat
    assert "queue serverless valkey - - 6.73" in flat
    assert "Total us-east-1: 31.55 USD/month" in flat
    assert ("Serverless queue (valkey): 0.05 GB stored (billed 0.1 GB: the valkey minimum), 100 ECPUs/s on average "
            "[stored_gb from cost_assumptions.instances.queue; ecpu_per_second from cost_assumptions.instances.queue]"
            ": 0.1 GB x 730 h x 0.084 USD/GB-hour = 6.13 + 262.8 million ECPUs x 0.0023 USD/million = 0.60; "
            "6.73 USD/month") in flat


def test_cost_alarms_and_dashboard_of_a_node_based_and_a_serverless_instance(aws, emulator, tmp_path):
    assumptions = json.dumps({"cost_assumptions": {"instances": {"queue": {"stored_gb": 0.05,
                                                                           "ecpu_per_second": 100}}}})
    output = _run(emulator, tmp_path, "-e", assumptions)
    flat = _flat(output)

    # What the user reads: both instances in one table, the serverless one with its usage, minimum and arithmetic.
    _assert_priced_with_the_price_list(flat)
    assert "Serverless usage assumed unless cost_assumptions says otherwise: 1 GB stored, 1000 ECPUs/s" in flat
    assert "Prices: AWS Price List API (GetProducts, pricing endpoint in us-east-1)" in flat
    assert "Using the bundled prices" not in flat
    asked = [r for r in emulator.requests() if r["service"] == "pricing"]
    assert [{f["Field"]: f["Value"] for f in r["params"]["Filters"]}.get("operation") for r in asked].count(
        "CreateServerlessCache") == 1

    # The alarms in CloudWatch: the serverless cache's on clusterId, the nodes' unchanged.
    alarms = dict((a["AlarmName"], a) for a in aws.cloudwatch.describe_alarms()["MetricAlarms"])
    serverless = dict((name, a) for name, a in alarms.items() if name.startswith("sv-queue-"))
    assert sorted(serverless) == ["sv-queue-connections", "sv-queue-data-storage", "sv-queue-ecpu",
                                  "sv-queue-throttled-commands"]
    assert all(a["Dimensions"] == [{"Name": "clusterId", "Value": "sv-queue"}] for a in serverless.values())
    assert serverless["sv-queue-ecpu"]["MetricName"] == "ElastiCacheProcessingUnits"
    assert serverless["sv-queue-ecpu"]["Threshold"] == 5000 * 0.8 * 300
    assert serverless["sv-queue-data-storage"]["Threshold"] == 10 * 0.8 * 10 ** 9
    assert serverless["sv-queue-throttled-commands"]["MetricName"] == "ThrottledCmds"
    assert "sv-main-001-cpu" in alarms and "sv-main-002-replication-lag" in alarms
    assert all(d["Name"] == "CacheClusterId" for n, a in alarms.items() if n.startswith("sv-main-")
               for d in a["Dimensions"][:1])

    # The dashboard: the serverless row has ECPUs and storage with the limits drawn, no node metric.
    body = json.loads(aws.cloudwatch.get_dashboard(DashboardName="sv-redis")["DashboardBody"])
    titles = dict((w["properties"].get("title"), w["properties"]) for w in body["widgets"] if w["type"] == "metric")
    assert sorted(t for t in titles if t.startswith("queue: ")) == [
        "queue: BytesUsedForCache", "queue: CurrConnections", "queue: ElastiCacheProcessingUnits",
        "queue: ThrottledCmds"]
    assert "main: CPUUtilization" in titles
    assert {"label": "limit (5000 ECPUs/s)", "value": 300000.0} in \
        titles["queue: ElastiCacheProcessingUnits"]["annotations"]["horizontal"]
    assert {"label": "limit (10 GB)", "value": 1e10} in titles["queue: BytesUsedForCache"]["annotations"]["horizontal"]

    # A rerun changes nothing, and makes no mutating call.
    emulator.call("requests", method="DELETE")
    output = _run(emulator, tmp_path, "-e", assumptions)
    assert run_ansible.recap(output)["localhost"]["changed"] == 0, output[-3000:]
    assert emulator.requests(mutating_only=True) == []

    # A limit removed: its alarm goes (purge), the dashboard loses the limit line.
    output = _run(emulator, tmp_path, instances=(MAIN, dict(QUEUE, usage_limits={"data_storage": {"maximum": 10}})))
    names = [a["AlarmName"] for a in aws.cloudwatch.describe_alarms()["MetricAlarms"]]
    assert "sv-queue-ecpu" not in names and "sv-queue-data-storage" in names
    # Default usage printed for an instance cost_assumptions does not describe.
    assert ("Serverless queue (valkey): 1 GB stored, 1000 ECPUs/s on average [stored_gb from default; "
            "ecpu_per_second from default]: 1 GB x 730 h x 0.084 USD/GB-hour = 61.32 + 2628 million ECPUs x "
            "0.0023 USD/million = 6.04; 67.36 USD/month") in _flat(output)


def test_without_the_price_list_the_serverless_cache_is_priced_from_the_bundled_table_and_it_is_said(
        emulator, tmp_path):
    emulator.call("faults", {"rate": 1.0, "kinds": ["ServiceUnavailable"], "services": ["pricing"]})
    flat = _flat(_run(emulator, tmp_path, "--tags", "cost", "-e",
                      json.dumps({"cost_assumptions": {"stored_gb": 2, "ecpu_per_second": 0}})))
    assert "Using the bundled prices: the Price List API (pricing endpoint in us-east-1) did not answer" in flat
    assert "; AWS ElastiCache serverless pricing, us-east-1" in flat
    assert "queue serverless valkey - - 122.64" in flat  # 2 GB x 730 h x 0.084
    assert "[stored_gb from cost_assumptions; ecpu_per_second from cost_assumptions]" in flat


def test_bad_cost_assumptions_are_refused_naming_the_field(emulator, tmp_path):
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(*_args(emulator, tmp_path), check=False)
    assert rc != 0
    assert "cost_assumptions.instances.main: no serverless instance has this name" in _flat(output)
    assert emulator.requests() == []


def _args(emulator, tmp_path):
    _run(emulator, tmp_path, "--tags", "none")  # writes the playbook and the model
    return (str(tmp_path / "play.yml"), emulator, "-i", str(tmp_path / "hosts.yml"), "-e",
            "@" + str(tmp_path / "model.json"), "-e",
            json.dumps({"cost_assumptions": {"instances": {"main": {"stored_gb": 1}}}}))


def test_the_cost_report_playbook_takes_cost_assumptions_and_refuses_a_bad_one_naming_it(emulator, tmp_path):
    """playbooks/cost_report.yml itself, on an inventory of node-based instances (the inventory's kind: serverless
    comes with the input model's serverless instances): the variable reaches node_prices, a wrong one is refused
    with its path, and without a serverless instance nothing more is asked of the Price List."""
    inventory = _prices_inventory(tmp_path, "us-east-1")
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(PRICES_PLAYBOOK, emulator, *inventory, "-e",
                                      json.dumps({"cost_assumptions": {"instances": {"main": {"stored_gb": 1}}}}),
                                      check=False)
    assert rc != 0
    assert "cost_assumptions.instances.main: no serverless instance has this name (serverless: none)" in _flat(output)
    assert [r for r in emulator.requests() if r["service"] == "pricing"] == []

    emulator.call("requests", method="DELETE")
    flat = _flat(run_ansible.playbook(PRICES_PLAYBOOK, emulator, *inventory, "-e",
                                      json.dumps({"cost_assumptions": {"stored_gb": 3}}))[1])
    assert "Total us-east-1: 133.59 USD/month" in flat and "Serverless" not in flat
    operations = [{f["Field"]: f["Value"] for f in r["params"]["Filters"]}.get("operation")
                  for r in emulator.requests() if r["service"] == "pricing"]
    assert operations == [None, None]


def _serverless_inventory(tmp_path):
    """The inventory of tests/integration/test_serverless_inventory.py, cut to what cost_report.yml reads: a
    node-based main and a serverless Valkey queue (access rbac). cost_report.yml asks AWS for prices only, so the
    caches need not exist."""
    inventory = tmp_path / "serverless-inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({
        "aws_region": "us-east-1", "cache_name_prefix": "sv", "cache_defaults": {"node_type": "cache.t3.micro"},
        "cache_instances": [{"name": "main", "purpose": "main", "replicas": 1},
                            {"name": "queue", "purpose": "queue", "kind": "serverless", "access": "rbac",
                             "engine": "valkey", "engine_version": "8.0",
                             "usage_limits": {"data_storage": {"maximum": 10}, "ecpu_per_second": {"maximum": 5000}}}],
        "cost_assumptions": {"instances": {"queue": {"stored_gb": 0.05, "ecpu_per_second": 100}}}}))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return ["-i", str(inventory)]


def test_the_cost_report_playbook_prices_the_inventorys_serverless_queue_beside_its_node_based_main(
        emulator, tmp_path):
    """playbooks/cost_report.yml itself on an inventory with a kind: serverless instance: the user reads the
    serverless line with the usage it assumed (cost_assumptions of the inventory) and its monthly cost, the node
    line, the total; without the Price List it says the bundled prices are used, and why. Nothing is changed."""
    inventory = _serverless_inventory(tmp_path)
    emulator.call("requests", method="DELETE")
    flat = _flat(run_ansible.playbook(PRICES_PLAYBOOK, emulator, *inventory)[1])
    _assert_priced_with_the_price_list(flat)
    assert "Prices: AWS Price List API (GetProducts, pricing endpoint in us-east-1)" in flat
    assert "Using the bundled prices" not in flat
    operations = sorted(str({f["Field"]: f["Value"] for f in r["params"]["Filters"]}.get("operation"))
                        for r in emulator.requests() if r["service"] == "pricing")
    assert operations == ["CreateServerlessCache", "None"]
    assert emulator.requests(mutating_only=True) == []

    emulator.call("faults", {"rate": 1.0, "kinds": ["ServiceUnavailable"], "services": ["pricing"]})
    emulator.call("requests", method="DELETE")
    flat = _flat(run_ansible.playbook(PRICES_PLAYBOOK, emulator, *inventory, "-e",
                                      json.dumps({"cost_assumptions": {"stored_gb": 2, "ecpu_per_second": 0}}))[1])
    assert "Using the bundled prices: the Price List API (pricing endpoint in us-east-1) did not answer" in flat
    assert "; AWS ElastiCache serverless pricing, us-east-1" in flat
    assert "queue serverless valkey - - 122.64" in flat  # 2 GB x 730 h x 0.084, no ECPU
    assert "[stored_gb from cost_assumptions; ecpu_per_second from cost_assumptions]" in flat
    assert "Total us-east-1: 147.46 USD/month" in flat  # 24.82 + 122.64
    assert emulator.requests(mutating_only=True) == []
