"""Drift rows from registered check-mode results, as each module shapes its diff."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils.drift import rows, table

APP = "sg-0app"


def _sg_rule(source, **extra):
    pair = {"group_id": APP, "user_id": "123456789012"} if source == APP else None
    return dict({"ip_protocol": "tcp", "from_port": 6379, "to_port": 6379, "ipv6_ranges": [], "prefix_list_ids": [],
                 "ip_ranges": [] if pair else [{"cidr_ip": source}], "user_id_group_pairs": [pair] if pair else []},
                **extra)


def security_group(before_rules, after_rules):
    """ec2_security_group's diff: a list of one {before, after}; after spells the app group rule its own way."""
    after = [dict(r, from_port="6379", to_port="6379", user_id_group_pairs=[dict(
        p, description="Application", group_name="funmagic-ec2-sg", vpc_id="vpc-1") for p in r["user_id_group_pairs"]])
        for r in after_rules]
    return {"changed": True, "diff": [{
        "before": {"group_name": "fm-redis-sg", "description": "d", "tags": {}, "ip_permissions": before_rules},
        "after": {"group_name": "fm-redis-sg", "description": "d", "tags": {}, "ip_permissions": after}}]}


def test_an_extra_open_rule_is_one_row_and_the_same_rule_spelled_differently_is_none():
    result = security_group([_sg_rule(APP), _sg_rule("0.0.0.0/0")], [_sg_rule(APP)])
    assert rows({"security_group": result}) == [{
        "resource": "security group fm-redis-sg", "field": "ingress", "inventory": "(absent)",
        "aws": "tcp 6379 from 0.0.0.0/0"}]
    assert rows({"security_group": security_group([_sg_rule(APP)], [_sg_rule(APP)])}) == [
        {"resource": "security_group", "field": "(changed, no field in the diff)", "inventory": "?", "aws": "?"}]


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
        "resource                     | field                       | inventory  | AWS",
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
