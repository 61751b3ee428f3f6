"""kind: serverless in the inputs: the resolved spec, and every refusal naming its field with the reason."""

import pytest

from tests.unit.plugins.plugin_utils.models import check, errors_of

PASSWORDS = {"queue": {"app": "Serverless-App-Password-1"}}
QUEUE = {"name": "queue", "purpose": "queue", "kind": "serverless", "access": "rbac", "engine": "valkey",
         "engine_version": "8.0"}
WHERE = "cache_instances[1] (queue)"


def _serverless(roles=None, defaults=None, **fields):
    return dict(cache_instances=[{"name": "main"}, dict(QUEUE, **fields)], cache_user_passwords=PASSWORDS,
                cache_defaults=defaults or {}, **({"roles": roles} if roles else {}))


def test_a_serverless_instance_resolves_to_the_keys_the_cache_role_and_the_cost_report_read():
    model = check(**_serverless(usage_limits={"data_storage": {"minimum": 1, "maximum": 10},
                                              "ecpu_per_second": {"maximum": 5000}}))
    main, queue = model["instances"]
    assert main["kind"] == "node" and main["node_type"] == "cache.t3.micro"
    assert queue["kind"] == "serverless"
    assert queue["replication_group_id"] == "funmagic-queue" == queue["user_group_id"]
    assert (queue["engine"], queue["engine_version"], queue["major_engine_version"]) == ("valkey", "8.0", "8")
    assert queue["usage_limits"] == {"data_storage": {"minimum": 1, "maximum": 10},
                                     "ecpu_per_second": {"maximum": 5000}}
    assert (queue["snapshot_retention_limit"], queue["daily_snapshot_time"]) == (1, "03:00")
    assert queue["transit_encryption"] is True and queue["cluster_mode"] is True
    assert queue["node_type"] is None and queue["replicas"] is None and queue["maintenance_window"] is None
    assert queue["parameter_group"] is None and queue["log_delivery_configurations"] == []


def test_a_serverless_instance_has_no_parameter_group_log_group_or_own_parameter_group_to_destroy():
    model = check(roles=["network", "cache", "monitoring", "client", "destroy"], destroy_confirm="funmagic",
                  **_serverless())
    assert [g["name"] for g in model["parameter_groups"]] == ["funmagic-main-redis7"]
    assert all("queue" not in g["name"] for g in model["log_groups"])
    assert not [n for n in model["destroy"]["parameter_groups"] if n.startswith("funmagic-queue")]


def test_without_limits_aws_chooses_them_and_the_snapshot_settings_follow_the_instance():
    queue = check(**_serverless(snapshot_retention_limit=7, snapshot_window="22:30-23:30"))["instances"][1]
    assert queue["usage_limits"] is None
    assert (queue["snapshot_retention_limit"], queue["daily_snapshot_time"]) == (7, "22:30")


def test_the_node_defaults_of_cache_defaults_do_not_count_as_set_on_a_serverless_instance():
    assert check(**_serverless(defaults={"node_type": "cache.t3.small", "replicas": 1, "maintenance_window":
                                         "mon:05:00-mon:06:00"}))["instances"][1]["kind"] == "serverless"


@pytest.mark.parametrize("field, value, reason", [
    ("node_type", "cache.t3.small", "has no nodes to size"),
    ("replicas", 1, "has no nodes to replicate"),
    ("cluster_mode", True, "is always served as a cluster"),
    ("shards", 2, "has no shards to choose"),
    ("parameters", {"maxmemory-policy": "allkeys-lru"}, "has no parameter group"),
    ("maintenance_window", "mon:05:00-mon:06:00", "without a maintenance window"),
    ("data_tiering", True, "could be tiered to SSD"),
    ("preferred_azs", ["us-east-1a"], "in the zones of its subnets itself"),
    ("network_type", "dual_stack", "on IPv4 only"),
    ("restore_from_snapshot", "queue-backup", "restores node-based snapshots only"),
])
def test_a_node_only_option_set_on_a_serverless_instance_is_refused_with_the_reason(field, value, reason):
    errors = errors_of(**_serverless(**{field: value}))
    assert [e for e in errors if e.startswith("%s.%s: " % (WHERE, field))] == [
        e for e in errors if reason in e and "remove it from this serverless instance" in e]
    assert any(e.startswith("%s.%s: " % (WHERE, field)) for e in errors)


def test_node_only_options_in_a_serverless_cache_defaults_are_refused_there():
    errors = errors_of(cache_instances=[dict(QUEUE, kind=None)], cache_user_passwords=PASSWORDS,
                       cache_defaults={"kind": "serverless", "replicas": 1})
    assert any(e.startswith("cache_defaults.replicas: a serverless cache has no nodes") for e in errors)


@pytest.mark.parametrize("fields, expected", [
    ({"transit_encryption": False}, WHERE + ".transit_encryption: a serverless cache always uses TLS"),
    ({"at_rest_encryption": False}, WHERE + ".at_rest_encryption: a serverless cache is always encrypted at rest"),
    ({"access": "token"}, WHERE + ".access: a serverless cache is reached only through an RBAC user group"),
    ({"engine": "redis", "engine_version": "6.2"},
     WHERE + ".engine_version: redis serverless caches run major version 7, not 6."),
    ({"usage_limits": {"data_storage": {"maximum": 6000}}},
     WHERE + ".usage_limits.data_storage.maximum: 6000 is out of range; ElastiCache Serverless takes 1 to 5000 GB."),
    ({"usage_limits": {"ecpu_per_second": {"minimum": 10}}},
     WHERE + ".usage_limits.ecpu_per_second.minimum: 10 is out of range"),
    ({"usage_limits": {"data_storage": {"minimum": 20, "maximum": 10}}},
     WHERE + ".usage_limits.data_storage: minimum 20 is above maximum 10."),
    ({"usage_limits": {"ecpu_per_second": {"minimum": "many"}}},
     WHERE + ".usage_limits.ecpu_per_second.minimum: must be a whole number"),
    ({"usage_limits": {"storage": {"maximum": 10}}}, WHERE + ".usage_limits: unknown key 'storage'"),
    ({"kind": "lambda"}, WHERE + ".kind: must be one of node, serverless"),
])
def test_what_a_serverless_cache_cannot_be_is_refused_naming_the_field(fields, expected):
    assert any(e.startswith(expected) for e in errors_of(**_serverless(**fields))), expected


def test_a_cache_port_other_than_the_serverless_endpoints_is_refused_naming_the_instances():
    errors = errors_of(cache_port=6390, **_serverless())
    assert [e for e in errors if e.startswith("cache_port: ")] == [
        "cache_port: 6390; a serverless cache listens on 6379, which the Redis security group would not admit, so the "
        "hosts could not reach queue; set cache_port: 6379, or kind: node for them"]
    assert check(cache_port=6390, cache_instances=[{"name": "main"}])["port"] == 6390  # nodes listen on any port
