"""In-place changes of the groups that exist: parameter group names by family (old names adopted), engine and
version changes, refused downgrades, node sizes and the scale-down memory check."""

import copy

from ansible_collections.funmagic.elasticache.plugins.module_utils import node_memory
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import changes
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rules
from tests.unit.plugins.plugin_utils.models import check

GIB = 1024 ** 3


def _specs(**defaults):
    return check(roles=["cache"], cache_defaults=defaults)["instances"]


def _group(group_id, engine="redis", version="7.1", parameter_group=None, node_type="cache.t3.micro", replicas=0):
    return {"replication_group_id": group_id, "status": "available", "engine": engine, "engine_version": version,
            "parameter_group": group_id if parameter_group is None else parameter_group,
            "cache_node_type": node_type, "replicas": replicas, "node_groups": [{"node_group_id": "0001"}],
            "member_clusters": ["%s-%03d" % (group_id, n + 1) for n in range(replicas + 1)]}


def test_new_groups_get_a_parameter_group_named_by_family():
    assert [s["parameter_group"] for s in _specs()] == ["funmagic-main-redis7"]
    assert [s["parameter_group"] for s in _specs(engine="redis", engine_version="6.2")] == ["funmagic-main-redis6"]
    assert [s["parameter_group"] for s in _specs(engine="valkey", engine_version="8.0")] == ["funmagic-main-valkey8"]


def test_a_stack_made_with_the_old_names_keeps_its_parameter_group_and_nothing_changes():
    specs = _specs()
    before = copy.deepcopy(specs)
    errors, decisions = changes.plan(specs, [_group("funmagic-main")], rules.family)
    assert errors == [] and specs == before
    decision = decisions["funmagic-main"]
    assert decision["parameter_group"] == "funmagic-main"
    assert decision["engine_change"] is None and decision["node_type_change"] is None
    assert "funmagic-main" not in decision["retire"] and "funmagic-main-valkey8" in decision["retire"]
    assert changes.summary(decisions) == []


def test_redis_to_valkey_makes_the_new_family_group_and_retires_the_old_one():
    errors, decisions = changes.plan(_specs(engine="valkey", engine_version="8.0"),
                                     [_group("funmagic-main", replicas=1)], rules.family)
    decision = decisions["funmagic-main"]
    assert errors == []
    assert decision["parameter_group"] == "funmagic-main-valkey8"
    assert decision["engine_change"]["from"] == "redis 7.1" and decision["engine_change"]["to"] == "valkey 8.0"
    assert decision["engine_change"]["parameter_group_from"] == "funmagic-main"
    assert "funmagic-main" in decision["retire"] and "funmagic-main-valkey8" not in decision["retire"]
    line = changes.summary(decisions)[0]
    assert "redis 7.1 -> valkey 8.0" in line and "fails over once per shard (1 shard)" in line


def test_a_rerun_after_the_change_changes_nothing():
    group = _group("funmagic-main", engine="valkey", version="8.0", parameter_group="funmagic-main-valkey8")
    errors, decisions = changes.plan(_specs(engine="valkey", engine_version="8.0"), [group], rules.family)
    assert errors == [] and changes.summary(decisions) == []
    assert "funmagic-main" in decisions["funmagic-main"]["retire"]  # left over if a run stopped before removing it


def test_a_minor_upgrade_keeps_the_parameter_group():
    errors, decisions = changes.plan(_specs(engine_version="7.1"), [_group("funmagic-main", version="7.0")],
                                     rules.family)
    assert errors == []
    assert decisions["funmagic-main"]["parameter_group"] == "funmagic-main"
    assert decisions["funmagic-main"]["engine_change"]["parameter_group_to"] == "funmagic-main"


def test_a_downgrade_is_refused_naming_the_field():
    errors = changes.plan(_specs(engine_version="6.2"), [_group("funmagic-main")], rules.family)[0]
    assert errors == ['cache_instances[0] (main).engine_version: replication group funmagic-main runs redis 7.1 and '
                      'ElastiCache cannot downgrade an engine (6.2 asked); set engine_version: "7.1" or later, or '
                      'migrate: snapshot the group and restore it into a new instance']


def test_valkey_to_redis_is_left_to_check_existing():
    group = _group("funmagic-main", engine="valkey", version="8.0", parameter_group="funmagic-main-valkey8")
    assert changes.plan(_specs(), [group], rules.family)[0] == []


def test_a_parameter_group_that_is_not_the_collections_is_not_adopted_nor_retired():
    errors, decisions = changes.plan(_specs(), [_group("funmagic-main", parameter_group="default.redis7")],
                                     rules.family)
    assert decisions["funmagic-main"]["parameter_group"] == "funmagic-main-redis7"
    assert "default.redis7" not in decisions["funmagic-main"]["retire"]


def test_scale_up_and_a_scale_down_that_fits():
    specs = _specs(node_type="cache.t3.small")
    up = changes.plan(specs, [_group("funmagic-main")], rules.family)[1]["funmagic-main"]["node_type_change"]
    assert up["direction"] == "up" and up["to"] == "cache.t3.small"
    specs = _specs(node_type="cache.t3.micro")
    errors, decisions = changes.plan(specs, [_group("funmagic-main", node_type="cache.t3.small")], rules.family,
                                     {"funmagic-main": 100 * 1024 * 1024})
    assert errors == [] and decisions["funmagic-main"]["node_type_change"]["direction"] == "down"
    assert "(0.10 GiB used, 0.38 GiB kept for data)" in changes.summary(decisions)[0]


def test_a_scale_down_the_data_does_not_fit_is_refused():
    errors = changes.plan(_specs(node_type="cache.t3.micro"), [_group("funmagic-main", node_type="cache.t3.small")],
                          rules.family, {"funmagic-main": GIB // 2})[0]
    assert len(errors) == 1
    assert errors[0].startswith("cache_instances[0] (main).node_type: replication group funmagic-main holds 0.50 GiB")
    assert "a cache.t3.micro node keeps 0.38 GiB for data" in errors[0]


def test_scale_downs_name_the_members_to_read():
    groups = [_group("funmagic-main", node_type="cache.t3.small", replicas=1)]
    assert changes.scale_downs(_specs(node_type="cache.t3.micro"), groups) == \
        {"funmagic-main": ["funmagic-main-001", "funmagic-main-002"]}
    assert changes.scale_downs(_specs(node_type="cache.t3.medium"), groups) == {}


def test_node_memory():
    assert node_memory.usable_bytes("cache.t3.micro") == 402653184  # INFO maxmemory on a t3.micro (AWS)
    assert node_memory.usable_bytes("cache.t3.micro", "50") == 268435456
    assert node_memory.usable_bytes("cache.x9.huge") is None
    assert node_memory.direction("cache.t3.small", "cache.t3.micro") == "down"
    assert node_memory.direction("cache.m5.large", "cache.m6g.large") is None
    assert node_memory.scale_down_refusal("g", "cache.t3.small", "cache.t3.micro", None) is None
    assert node_memory.scale_down_refusal("g", "cache.t3.small", "cache.t3.micro", 402653184) is None
    assert node_memory.scale_down_refusal("g", "cache.t3.small", "cache.t3.micro", 402653185) is not None


def test_the_group_in_use_is_kept_while_the_change_waits_for_the_maintenance_window():
    specs, groups = _specs(engine="valkey", engine_version="8.0"), [_group("funmagic-main")]
    assert "funmagic-main" in changes.plan(specs, groups, rules.family)[1]["funmagic-main"]["retire"]
    later = changes.plan(specs, groups, rules.family, apply_immediately=False)[1]["funmagic-main"]
    assert "funmagic-main" not in later["retire"] and later["parameter_group"] == "funmagic-main-valkey8"
