"""Drift rows from registered check-mode results, as each module shapes its diff."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils.drift import rows, table

APP = "sg-0app"


def security_group(before_rules, after_rules, **after_extra):
    """funmagic.elasticache.security_group's diff: {before, after}, ingress as one text per rule and source."""
    return {"changed": True, "diff": {
        "before": {"group_name": "fm-redis-sg", "description": "d", "tags": {}, "ingress": before_rules},
        "after": dict({"group_name": "fm-redis-sg", "description": "d", "tags": {}, "ingress": after_rules},
                      **after_extra)}}


def test_an_extra_open_rule_is_one_row_and_a_group_that_did_not_change_is_none():
    app, world = "tcp 6379 from %s" % APP, "tcp 6379 from 0.0.0.0/0"
    assert rows({"security_group": security_group([world, app], [app])}) == [{
        "resource": "security group fm-redis-sg", "field": "ingress", "inventory": "(absent)",
        "aws": "tcp 6379 from 0.0.0.0/0"}]
    assert rows({"security_group": security_group([app], [app])}) == [
        {"resource": "security_group", "field": "(changed, no field in the diff)", "inventory": "?", "aws": "?"}]


def test_a_missing_security_group_and_a_changed_rule_description_are_rows():
    assert rows({"security_group": {"changed": True, "diff": {"before": {}, "after": {"group_name": "fm-redis-sg"}}}}) \
        == [{"resource": "security group fm-redis-sg", "field": "(resource)", "inventory": "present",
             "aws": "(absent)"}]
    app = "tcp 6379 from %s" % APP
    result = security_group([app], [app], ingress_descriptions={app: "Redis from app"})
    result["diff"]["before"]["ingress_descriptions"] = {app: ""}
    assert [(r["field"], r["inventory"], r["aws"]) for r in rows({"security_group": result})] == [
        ("ingress_descriptions.%s" % app, "Redis from app", "")]


def test_loops_give_one_row_per_differing_field_and_skip_what_did_not_change():
    groups = {"results": [
        {"changed": True, "item": {"replication_group_id": "fm-main"},
         "diff": {"before": {"snapshot_retention_limit": 7, "auth_token": "(unchanged)"},
                  "after": {"snapshot_retention_limit": 1, "auth_token": "(new token, set)"}}},
        {"changed": False, "item": {"replication_group_id": "fm-queue"}, "diff": {"before": {}, "after": {}}},
        {"changed": True, "item": {"replication_group_id": "fm-new"}, "diff": {"before": {"state": "absent"},
                                                                               "after": {"node_type": "x"}}},
    ]}
    assert rows({"replication_groups": groups}) == [
        {"resource": "replication group fm-main", "field": "auth_token", "inventory": "(masked)", "aws": "(masked)"},
        {"resource": "replication group fm-main", "field": "snapshot_retention_limit", "inventory": "1", "aws": "7"},
        {"resource": "replication group fm-new", "field": "(resource)", "inventory": "present", "aws": "(absent)"},
    ]


def test_parameters_subnets_and_alarms():
    results = {
        "parameter_groups": {"results": [{"changed": True, "item": {"parameter_group": "fm-queue"},
                                          "parameter_group": {"cache_parameter_group_name": "fm-queue"},
                                          "diff": {"before": {"maxmemory-policy": "allkeys-lru",
                                                              "tags": {"Team": "web"}},
                                                   "after": {"maxmemory-policy": "noeviction", "tags": {}}}}]},
        "subnet_group": {"changed": True, "invocation": {"module_args": {"name": "fm-redis-subnet"}},
                         "diff": {"before": {"description": "d", "subnet_ids": ["subnet-1", "subnet-9"]},
                                  "after": {"description": "d", "subnet_ids": ["subnet-1", "subnet-2"]}}},
        "alarms": {"changed": True, "diff": {
            "before": {"gone": None, "moved": {"Threshold": 80.0, "Period": 300}},
            "after": {"gone": {"Threshold": 80.0}, "moved": {"Threshold": 90.0, "Period": 300}}}},
    }
    assert table(rows(results)) == [
        "resource                     | field                       | inventory  | AWS or host",
        "subnet group fm-redis-subnet | subnet_ids                  | subnet-2   | (absent)",
        "subnet group fm-redis-subnet | subnet_ids                  | (absent)   | subnet-9",
        "parameter group fm-queue     | parameters.maxmemory-policy | noeviction | allkeys-lru",
        "parameter group fm-queue     | tags.Team                   | (not set)  | web",
        "alarm gone                   | (resource)                  | present    | (absent)",
        "alarm moved                  | Threshold                   | 90.0       | 80.0",
    ]


def test_skipped_tasks_and_no_changes_make_no_rows_and_no_table():
    results = {"alarms": {"skipped": True, "changed": False}, "subnet_group": {"changed": False}}
    assert rows(results) == [] and table([]) == []


def test_an_unknown_kind_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown kinds firewall; expected some of security_group"):
        rows({"firewall": {}})


def test_log_groups_give_one_row_per_missing_group_retention_and_tag():
    results = {"log_groups": {"changed": True, "diff": {
        "before": {"/elasticache/fm-main/slow-log": None,
                   "/elasticache/fm-main/engine-log": {"retention_days": 14, "tags": {"Old": "x"}}},
        "after": {"/elasticache/fm-main/slow-log": {"retention_days": 7, "tags": {}},
                  "/elasticache/fm-main/engine-log": {"retention_days": 7, "tags": {}}}}}}
    assert table(rows(results)) == [
        "resource                                  | field          | inventory | AWS or host",
        "log group /elasticache/fm-main/engine-log | retention_days | 7         | 14",
        "log group /elasticache/fm-main/engine-log | tags.Old       | (not set) | x",
        "log group /elasticache/fm-main/slow-log   | (resource)     | present   | (absent)",
    ]


def test_parameter_groups_of_one_module_execution_give_rows_for_the_changed_ones_only():
    results = {"parameter_groups": {"changed": True, "parameter_groups": [
        {"name": "fm-main", "changed": False, "parameter_group": {"cache_parameter_group_name": "fm-main"},
         "diff": {"before": {}, "after": {}}},
        {"name": "fm-queue", "changed": True, "parameter_group": {"cache_parameter_group_name": "fm-queue"},
         "diff": {"before": {"maxmemory-policy": "allkeys-lru"}, "after": {"maxmemory-policy": "noeviction"}}}]}}
    assert [(r["resource"], r["field"], r["inventory"], r["aws"]) for r in rows(results)] == [
        ("parameter group fm-queue", "parameters.maxmemory-policy", "noeviction", "allkeys-lru")]


def test_env_files_give_one_row_per_variable_that_differs_on_each_host():
    differences = [{"path": "/etc/funmagic/web.env", "variable": "REDIS_QUEUE_URL",
                    "inventory": "rediss://default:********@queue.example:6379",
                    "host": "rediss://default:********@main.example:6379"}]
    results = {"env_files": {"results": [
        {"host": "app1", "env_files": {"changed": False, "differences": differences}},
        {"host": "app2", "env_files": {"changed": False, "differences": []}}]}}
    assert [(r["resource"], r["field"], r["inventory"], r["aws"]) for r in rows(results)] == [
        ("host app1: /etc/funmagic/web.env", "REDIS_QUEUE_URL", "rediss://default:********@queue.example:6379",
         "rediss://default:********@main.example:6379")]


def test_users_and_user_groups_changed_by_hand_are_rows_without_passwords():
    from ansible_collections.funmagic.elasticache.plugins.plugin_utils import drift as drift_rows
    users = {"changed": True, "diff": {"before": {"funmagic-queue-web": {"access_string": "on ~* +@all"}},
                                       "after": {"funmagic-queue-web": {"access_string": "on ~web:* +@all"}}}}
    groups = {"changed": True, "diff": {"before": {}, "after": {"funmagic-queue": {"user_ids": ["a"]}}}}
    found = drift_rows.rows({"users": users, "user_groups": groups})
    assert found == [
        {"resource": "user funmagic-queue-web", "field": "access_string", "inventory": "on ~web:* +@all",
         "aws": "on ~* +@all"},
        {"resource": "user group funmagic-queue", "field": "(resource)", "inventory": "present", "aws": "(absent)"}]


def test_a_dashboard_missing_or_with_a_widget_changed_by_hand_is_a_row_per_widget():
    graph = {"type": "metric", "properties": {"title": "main: Evictions", "annotations": {
        "horizontal": [{"label": "alarm", "value": 0.0}]}}}
    edited = {"type": "metric", "properties": {"title": "main: Evictions", "annotations": {
        "horizontal": [{"label": "alarm", "value": 5.0}]}}}
    missing = {"changed": True, "name": "fm-redis", "diff": {"before": {}, "after": {"widgets": [graph]}}}
    assert rows({"dashboard": missing}) == [{"resource": "dashboard fm-redis", "field": "(resource)",
                                             "inventory": "present", "aws": "(absent)"}]
    changed = {"changed": True, "name": "fm-redis",
               "diff": {"before": {"widgets": [edited]}, "after": {"widgets": [graph]}}}
    assert [(r["field"], r["inventory"], r["aws"]) for r in rows({"dashboard": changed})] == [
        ("main: Evictions.properties.annotations.horizontal", '{"label":"alarm","value":0.0}', "(absent)"),
        ("main: Evictions.properties.annotations.horizontal", "(absent)", '{"label":"alarm","value":5.0}')]


def test_a_secret_changed_by_hand_is_a_row_and_a_plan_the_cache_role_publishes_is_no_result():
    plans = {"tls_moves": [{"replication_group_id": "fm-main"}], "rbac_moves": [{"replication_group_id": "fm-main"}]}
    results = dict(plans, secrets={"changed": True, "diff": {
        "before": {"fm/elasticache/main/auth-token": {"state": "present", "tags": {"Environment": "dev"}}},
        "after": {"fm/elasticache/main/auth-token": {"state": "present", "tags": {"Environment": "prod"}}}}})
    assert [(r["resource"], r["field"]) for r in rows(results)] == [
        ("secret fm/elasticache/main/auth-token", "tags.Environment")]


def test_nodes_in_other_zones_are_rows_though_the_group_did_not_change():
    groups = {"results": [{"changed": False, "item": {"replication_group_id": "fm-main"}, "diff": {
        "before": {"preferred_azs": {"0001": ["us-east-1a", "us-east-1c"]}},
        "after": {"preferred_azs": {"0001": ["us-east-1a", "us-east-1b"]}}}}]}
    assert rows({"replication_groups": groups}) == [
        {"resource": "replication group fm-main", "field": "preferred_azs.0001", "inventory": "us-east-1b",
         "aws": "(absent)"},
        {"resource": "replication group fm-main", "field": "preferred_azs.0001", "inventory": "(absent)",
         "aws": "us-east-1c"}]


def test_a_serverless_cache_missing_or_changed_by_hand_is_a_row_per_field():
    caches = {"results": [
        {"changed": True, "item": {"replication_group_id": "fm-jobs"},
         "diff": {"before": {"snapshot_retention_limit": 7, "usage_limits": {"ecpu_per_second": {"maximum": 9000}}},
                  "after": {"snapshot_retention_limit": 1, "usage_limits": {"ecpu_per_second": {"maximum": 5000}}}}},
        {"changed": True, "item": {"replication_group_id": "fm-new"},
         "diff": {"before": {"state": "absent"}, "after": {"state": "present", "engine": "valkey"}}},
    ]}
    assert [(r["resource"], r["field"], r["inventory"], r["aws"]) for r in rows({"serverless_caches": caches})] == [
        ("serverless cache fm-jobs", "snapshot_retention_limit", "1", "7"),
        ("serverless cache fm-jobs", "usage_limits.ecpu_per_second.maximum", "5000", "9000"),
        ("serverless cache fm-new", "(resource)", "present", "(absent)")]


def test_a_global_datastore_and_a_secondary_missing_are_rows_naming_the_region():
    datastores = {"results": [{"changed": True, "item": {"replication_group_id": "fm-main"},
                               "diff": {"before": {"state": "absent"}, "after": {"state": "present"}}}]}
    members = {"results": [{"changed": True, "item": [{"replication_group_id": "fm-main"}, "us-west-2"],
                            "diff": {"before": {}, "after": {"replicas": 1}}}]}
    results = {"global_datastores": datastores, "global_members": members}
    assert [(r["resource"], r["field"]) for r in rows(results)] == [
        ("global datastore fm-main", "(resource)"), ("replication group fm-main in us-west-2", "(resource)")]
