import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import instances

DEFAULTS = {"node_type": "cache.t3.micro", "replicas": 0, "engine": "redis", "engine_version": "7.1",
            "transit_encryption": True, "at_rest_encryption": True, "auth_token": "",
            "snapshot_retention_limit": 1, "snapshot_window": "03:00-04:00",
            "maintenance_window": "sun:05:00-sun:06:00", "parameters": {}, "tags": {}}


def test_queue_instances_get_noeviction_and_ids_are_prefixed():
    specs = instances.resolve([{"name": "main"}, {"name": "queue", "purpose": "queue", "replicas": 1}],
                              DEFAULTS, "funmagic", {"Team": "web"})
    main, queue = specs
    assert (main["replication_group_id"], queue["replication_group_id"]) == ("funmagic-main", "funmagic-queue")
    assert "maxmemory-policy" not in main["parameters"]
    assert queue["parameters"] == {"maxmemory-policy": "noeviction"} and queue["replicas"] == 1
    assert queue["family"] == "redis7" and queue["tags"] == {"Team": "web", "Purpose": "queue"}


@pytest.mark.parametrize("instance, fragment", [
    ({"name": "x", "purpose": "cache"}, "purpose must be one of"),
    ({"name": "x", "replicas": 6}, "replicas"),
    ({"name": "x", "auth_token": "short"}, "auth_token"),
    ({"name": "x", "nodetype": "cache.t3.micro"}, "unknown field(s) nodetype"),
    ({"name": "x", "snapshot_retention_limit": 40}, "snapshot_retention_limit"),
    ({"name": "x", "engine_version": "5.0"}, "no supported parameter group family"),
    ({"name": "x--y"}, "replication group id"),
    ({"purpose": "main"}, "name is required"),
])
def test_bad_instances_name_the_instance_and_field(instance, fragment):
    with pytest.raises(ValueError, match="cache_instances\\[0\\]") as excinfo:
        instances.resolve([instance], DEFAULTS, "funmagic")
    assert fragment in str(excinfo.value)


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="used twice"):
        instances.resolve([{"name": "a"}, {"name": "a"}], DEFAULTS, "p")


def test_token_without_tls_is_refused():
    with pytest.raises(ValueError, match="transit_encryption"):
        instances.resolve([{"name": "a", "auth_token": "Sup3r-Secret-Token-123", "transit_encryption": False}],
                          DEFAULTS, "p")


def _group(group_id, node_type="cache.t3.micro", members=1, tls=True):
    return {"replication_group_id": group_id, "status": "available", "cache_node_type": node_type,
            "member_clusters": ["%s-%03d" % (group_id, i + 1) for i in range(members)],
            "primary_endpoint": {"address": "master.%s.x.use1.cache.amazonaws.com" % group_id, "port": 6379},
            "reader_endpoint": None, "transit_encryption_enabled": tls}


def test_connections_carry_url_with_token_and_a_redacted_one():
    declared = [{"name": "main", "auth_token": "Sup3r-Secret-Token-123"}]
    specs = instances.resolve(declared, DEFAULTS, "p")
    assert "Sup3r" not in str(specs) and specs[0]["auth"] is True  # specs are looped over and may be printed
    tokens = instances.tokens(declared, DEFAULTS)
    facts = instances.connections(specs, [_group("p-main")], tokens)["main"]
    assert facts["tls"] is True and facts["port"] == 6379
    assert facts["url"] == "rediss://default:Sup3r-Secret-Token-123@master.p-main.x.use1.cache.amazonaws.com:6379"
    assert "Sup3r" not in facts["url_redacted"]


def test_progress_summary_and_failures():
    groups = [dict(_group("a"), status="available"), dict(_group("b"), status="creating")]
    assert instances.progress(groups, ["a", "b"]) == {"ready": False, "failed": [],
                                                      "summary": "a=available, b=creating"}
    assert instances.progress(groups, ["a", "c"])["failed"] == ["c"]
    assert instances.progress(groups[:1], ["a"])["ready"] is True


def test_alarms_per_node():
    facts = {"main": {"purpose": "main", "replication_group_id": "p-main"},
             "queue": {"purpose": "queue", "replication_group_id": "p-queue"}}
    groups = [_group("p-main", "cache.t3.micro", 1), _group("p-queue", "cache.r6g.xlarge", 2)]
    alarms = instances.alarms(facts, groups, {"connections_limit": 500, "evictions_limit": 100, "actions": ["arn"]})
    by_name = dict((a["name"], a) for a in alarms)
    assert by_name["p-main-001-cpu"]["threshold"] == 45.0  # 90 / 2 vCPUs
    assert "p-main-001-replication-lag" not in by_name  # no replicas
    assert by_name["p-queue-001-engine-cpu"]["metric"] == "EngineCPUUtilization"
    assert by_name["p-queue-002-evictions"]["threshold"] == 0.0  # queues never evict
    assert by_name["p-main-001-evictions"]["threshold"] == 100.0
    assert by_name["p-queue-002-replication-lag"]["threshold"] == 60.0
    assert by_name["p-main-001-connections"]["threshold"] == 500.0
    assert all(a["actions"] == ["arn"] for a in alarms)
    assert len(alarms) == 4 + 5 * 2


def test_cost_report_total():
    specs = instances.resolve([{"name": "main", "replicas": 1, "node_type": "cache.t3.small"}, {"name": "pubsub"}],
                              DEFAULTS, "p")
    report = instances.cost_report(specs, "us-east-1")
    assert [(r["instance"], r["nodes"]) for r in report["rows"]] == [("main", 2), ("pubsub", 1)]
    assert report["total_usd"] == pytest.approx(0.034 * 730 * 2 + 0.017 * 730, abs=0.02)
