"""plugin_utils/compliance.py: each control fails when its setting is off, naming the inventory field; the prod
settings with access rbac and a customer managed key pass every control; exceptions are accepted apart."""

import copy
import os

import pytest
import yaml

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import compliance
from tests.unit.plugins.plugin_utils.models import check

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# inventories/prod/group_vars/all/main.yml, with a second instance and a customer managed key.
PROD = dict(
    cache_name_prefix="funmagic-prod",
    cache_instances=[{"name": "main", "purpose": "main"}, {"name": "queue", "purpose": "queue"}],
    cache_defaults={"node_type": "cache.t3.small", "replicas": 1, "engine": "redis", "engine_version": "7.1",
                    "transit_encryption": True, "at_rest_encryption": True, "access": "rbac",
                    "snapshot_retention_limit": 7},
    cache_production=True,
    cache_kms_key="create",
)


def model(**overrides):
    return check(roles=["cache"], **dict(PROD, **overrides))


def described(spec, **changes):
    """The group as replication_group_info (all_members) returns it once the cache role made it from `spec`."""
    members = ["%s-00%d" % (spec["replication_group_id"], i + 1) for i in range(spec["replicas"] + 1)]
    group = {
        "replication_group_id": spec["replication_group_id"], "status": "available", "engine": spec["engine"],
        "engine_version": spec["engine_version"] + ".0", "member_clusters": members,
        "automatic_failover": "enabled" if spec["replicas"] else "disabled",
        "snapshot_retention_limit": spec["snapshot_retention_limit"],
        "at_rest_encryption_enabled": spec["at_rest_encryption"],
        "transit_encryption_enabled": spec["transit_encryption"], "transit_encryption_mode": "required",
        "auth_token_enabled": spec["access"] == "token", "user_group_ids": spec["user_group_ids"] or [],
        "kms_key_id": KEY_ARN, "auto_minor_version_upgrade": True, "subnet_group": "funmagic-prod-redis-subnet",
        "members": [{"cache_cluster_id": m, "engine_version": spec["engine_version"] + ".0",
                     "auto_minor_version_upgrade": True, "cache_subnet_group_name": "funmagic-prod-redis-subnet"}
                    for m in members],
    }
    group.update(changes)
    return group


def scored(changes=None, exceptions=(), **overrides):
    """The rows of the prod model's groups, `changes` applied to the first group (main)."""
    resolved = model(**overrides)
    groups = [described(spec) for spec in resolved["instances"]]
    groups[0].update(changes or {})
    return compliance.score(groups, resolved["instances"], exceptions, resolved["cache"]["kms_key"])


def row(rows, control, instance="main"):
    return next(r for r in rows if r["control"] == control and r["instance"] == instance)


def test_the_prod_settings_with_rbac_and_a_customer_managed_key_pass_every_control():
    rows = scored()
    assert [(r["control"], r["instance"]) for r in rows] == [
        (c, name) for name in ("main", "queue") for c in compliance.CONTROL_IDS]
    results = dict(((r["control"], r["instance"]), r["result"]) for r in rows)
    assert set(results.values()) == {"PASS", "NOT_APPLICABLE"}
    # Redis 7.1 is scored by the RBAC rule, not by ElastiCache.6 (Redis before 6.0 only).
    assert [c for (c, name), result in results.items() if result == "NOT_APPLICABLE"] == ["ElastiCache.6"] * 2
    assert compliance.failing(rows) == [] and compliance.accepted(rows) == []
    assert row(rows, "elasticache-rbac-auth-enabled")["detail"] == "UserGroupIds funmagic-prod-main"


def test_the_prod_inventory_passes_every_control_but_the_customer_managed_key_which_is_not_enabled():
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "inventories", "prod", "group_vars", "all",
                        "main.yml")
    with open(path, encoding="utf-8") as handle:
        prod = yaml.safe_load(handle)
    resolved = check(roles=["cache"], **dict((k, v) for k, v in prod.items() if k.startswith("cache_")))
    groups = [described(spec, kms_key_id=None) for spec in resolved["instances"]]  # what the cache role makes
    rows = compliance.score(groups, resolved["instances"], (), resolved["cache"]["kms_key"])
    assert [(r["control"], r["result"], r["field"]) for r in compliance.failing(rows)] == [
        ("CKV_AWS_191", "NOT_ENABLED", "cache_kms_key: create, or a key ARN")] * len(resolved["instances"])
    assert set(r["result"] for r in rows if r["control"] != "CKV_AWS_191") == {"PASS", "NOT_APPLICABLE"}


# control -> (what is turned off in AWS, the field the failing row names)
TURNED_OFF = {
    "ElastiCache.1": ({"snapshot_retention_limit": 0},
                      "cache_instances[0] (main).snapshot_retention_limit: 1 or more"),
    "ElastiCache.2": ({"members": [{"cache_cluster_id": "funmagic-prod-main-001", "auto_minor_version_upgrade": True,
                                    "cache_subnet_group_name": "x"},
                                   {"cache_cluster_id": "funmagic-prod-main-002", "auto_minor_version_upgrade": False,
                                    "cache_subnet_group_name": "x"}]},
                      "auto_minor_version_upgrade: true "
                      "(not an inventory setting: the cache role keeps AWS's default)"),
    "ElastiCache.3": ({"automatic_failover": "disabled"}, "cache_instances[0] (main).replicas: 1"),
    "ElastiCache.4": ({"at_rest_encryption_enabled": False}, "cache_instances[0] (main).at_rest_encryption: true"),
    "ElastiCache.5": ({"transit_encryption_enabled": False}, "cache_instances[0] (main).transit_encryption: true"),
    "ElastiCache.6": ({"engine_version": "5.0.6", "auth_token_enabled": False, "user_group_ids": [],
                       "members": [{"cache_cluster_id": "a", "engine_version": "5.0.6",
                                    "auto_minor_version_upgrade": True, "cache_subnet_group_name": "x"}]},
                      "cache_auth_tokens.main (with transit_encryption: true)"),
    "ElastiCache.7": ({"members": [{"cache_cluster_id": "funmagic-prod-main-001", "auto_minor_version_upgrade": True,
                                    "cache_subnet_group_name": "default"}]}, "network_subnet_group"),
    "elasticache-rbac-auth-enabled": ({"user_group_ids": [], "auth_token_enabled": True},
                                      "cache_instances[0] (main).access: rbac"),
    "CKV_AWS_191": ({"kms_key_id": None}, "cache_kms_key: create, or a key ARN"),
}


@pytest.mark.parametrize("control", compliance.CONTROL_IDS)
def test_each_control_fails_when_its_setting_is_turned_off_and_names_the_field(control):
    changes, field = TURNED_OFF[control]
    rows = scored(changes)
    failed = compliance.failing(rows)
    assert [(r["control"], r["instance"], r["result"], r["field"]) for r in failed] == [
        (control, "main", "FAIL", field)], failed
    assert row(rows, control, "queue")["result"] in ("PASS", "NOT_APPLICABLE")
    assert field in compliance.summary(rows) and control in compliance.summary(rows)


def test_drift_from_the_inventory_says_redis_yml_sets_it_back():
    detail = row(scored({"snapshot_retention_limit": 0}), "ElastiCache.1")["detail"]
    assert detail.startswith("SnapshotRetentionLimit 0, less than 1")
    assert "the inventory says snapshot_retention_limit: 7, so playbooks/redis.yml sets it back" in detail
    detail = row(scored({"snapshot_retention_limit": 0}, cache_instances=[
        {"name": "main", "snapshot_retention_limit": 0}]), "ElastiCache.1")["detail"]
    assert "inventory says" not in detail


def test_security_hubs_retention_parameter_is_honoured():
    resolved = model()
    groups = [described(spec, snapshot_retention_limit=7) for spec in resolved["instances"]]
    rows = compliance.score(groups, resolved["instances"], (), resolved["cache"]["kms_key"], min_retention=15)
    assert row(rows, "ElastiCache.1")["result"] == "FAIL"
    assert row(rows, "ElastiCache.1")["field"] == "cache_instances[0] (main).snapshot_retention_limit: 15 or more"


def test_a_group_without_a_replica_fails_automatic_failover_as_security_hub_does():
    rows = scored({"automatic_failover": "disabled"}, cache_instances=[{"name": "main", "replicas": 0}],
                  cache_production_accepted_risks=["no_replica"])
    assert row(rows, "ElastiCache.3")["field"] == "cache_instances[0] (main).replicas: 1 or more"
    assert "a group without a replica cannot fail over" in row(rows, "ElastiCache.3")["detail"]


def test_a_token_group_fails_the_rbac_rule_naming_access_rbac():
    tokens = {"main": "Secret-Token-0123456789", "queue": "Secret-Token-0123456789"}
    rows = scored({"user_group_ids": [], "auth_token_enabled": True},
                  cache_defaults=dict(PROD["cache_defaults"], access="token"), cache_auth_tokens=tokens)
    rbac = [r for r in rows if r["control"] == "elasticache-rbac-auth-enabled"]
    assert [(r["instance"], r["result"], r["field"]) for r in rbac] == [
        ("main", "FAIL", "cache_instances[0] (main).access: rbac"),
        ("queue", "FAIL", "cache_instances[1] (queue).access: rbac")]
    assert rbac[0]["detail"] == "no user group (UserGroupIds empty): one AUTH token opens every key and command"


def test_redis_before_6_is_scored_by_elasticache_6_and_not_by_the_rbac_rule():
    old = {"engine_version": "5.0.6", "user_group_ids": [], "auth_token_enabled": True,
           "members": [{"cache_cluster_id": "a", "engine_version": "5.0.6", "auto_minor_version_upgrade": True,
                        "cache_subnet_group_name": "x"}]}
    rows = scored(old)
    assert row(rows, "ElastiCache.6")["result"] == "PASS"
    assert row(rows, "elasticache-rbac-auth-enabled")["result"] == "NOT_APPLICABLE"
    valkey = scored({"engine": "valkey", "engine_version": "8.0.1"})
    assert row(valkey, "ElastiCache.6")["result"] == "NOT_APPLICABLE"
    assert row(valkey, "elasticache-rbac-auth-enabled")["result"] == "PASS"


def test_without_cache_kms_key_the_customer_managed_key_is_reported_not_enabled():
    rows = scored({"kms_key_id": None}, cache_kms_key="")
    cmk = row(rows, "CKV_AWS_191")
    assert cmk["result"] == "NOT_ENABLED" and cmk in compliance.failing(rows)
    assert cmk["detail"].startswith("not enabled: encryption at rest uses the AWS owned key")
    # With cache_kms_key set, a group made before it has no key: a FAIL that says the key comes with a new group.
    assert "only when a group is created" in row(scored({"kms_key_id": None}, cache_kms_key=KEY_ARN),
                                                 "CKV_AWS_191")["detail"]


def test_an_accepted_exception_is_listed_apart_with_its_reason_and_does_not_fail():
    exceptions = [{"control": "CKV_AWS_191", "reason": "cache data only; the AWS owned key is enough"},
                  {"control": "ElastiCache.1", "instance": "queue", "reason": "jobs are re-enqueued"}]
    rows = scored({"kms_key_id": None}, exceptions, cache_kms_key="")
    rows = [dict(r) for r in rows]
    assert compliance.failing(rows) == []
    assert [(r["control"], r["instance"], r["reason"]) for r in compliance.accepted(rows)] == [
        ("CKV_AWS_191", "main", "cache data only; the AWS owned key is enough")]
    assert compliance.unused_exceptions(rows, exceptions) == [exceptions[1]]
    lines = compliance.accepted_table(rows)
    assert [cell.strip() for cell in lines[0].split(" | ")] == [
        "control", "instance", "field to change", "accepted because", "detail"]
    assert "CKV_AWS_191 | main" in lines[1] and "cache data only" in lines[1]
    assert [line.split(" | ")[:3] for line in compliance.table(rows) if line.startswith("CKV_AWS_191")] == [
        ["CKV_AWS_191                  ", "queue   ", "PASS          "]]  # main's is apart
    assert "Exception accepting nothing" in compliance.summary(rows, compliance.unused_exceptions(rows, exceptions))


def test_an_exception_never_hides_a_control_on_another_instance():
    rows = scored({"snapshot_retention_limit": 0}, [{"control": "ElastiCache.1", "instance": "queue", "reason": "x"}])
    assert [(r["control"], r["instance"]) for r in compliance.failing(rows)] == [("ElastiCache.1", "main")]


def test_a_missing_group_is_one_failing_row():
    resolved = model()
    rows = compliance.score([described(resolved["instances"][0])], resolved["instances"])
    missing = [r for r in rows if r["instance"] == "queue"]
    assert [(r["control"], r["result"], r["field"]) for r in missing] == [
        ("(group)", "FAIL", "cache_instances[1] (queue)")]
    assert "funmagic-prod-queue does not exist" in missing[0]["detail"]


def test_first_member_fields_are_used_when_the_members_were_not_read_one_by_one():
    resolved = model()
    group = described(resolved["instances"][0], subnet_group="default")
    del group["members"]
    rows = compliance.score([group], resolved["instances"][:1])
    assert row(rows, "ElastiCache.7")["result"] == "FAIL"
    assert row(rows, "ElastiCache.2")["result"] == "PASS"


def test_the_table_aligns_every_column_but_the_detail():
    lines = compliance.table(scored({"snapshot_retention_limit": 0}))
    assert lines[0].startswith("control                       | instance | result         | field to change")
    assert len(set(line.index(" | ", 32) for line in lines)) == 1
    failing_line = next(line for line in lines if "FAIL" in line)
    assert failing_line.startswith("ElastiCache.1                 | main     | FAIL")


@pytest.mark.parametrize("exceptions, error", [
    ([{"control": "ElastiCache.8", "reason": "x"}], "compliance_accepted_exceptions[0].control: 'ElastiCache.8' "
                                                    "is not a control (did you mean ElastiCache.7?); one of "),
    ([{"control": "CKV_AWS_191", "instance": "pubsub", "reason": "x"}],
     "compliance_accepted_exceptions[0].instance: 'pubsub' is not an instance of cache_instances (main, queue); "
     "omit it for every instance"),
    ([{"control": "CKV_AWS_191", "reason": " "}],
     "compliance_accepted_exceptions[0].reason: say why the control is accepted (the report prints it)"),
    ([{"control": "CKV_AWS_191", "reason": "a"}, {"control": "CKV_AWS_191", "reason": "b"}],
     "compliance_accepted_exceptions[1]: accepts CKV_AWS_191 on every instance again, as "
     "compliance_accepted_exceptions[0] does"),
    (["CKV_AWS_191"], "compliance_accepted_exceptions[0]: must be a mapping with control, instance and reason"),
])
def test_bad_exceptions_are_refused_naming_the_path(exceptions, error):
    errors = compliance.exception_errors(exceptions, ["main", "queue"])
    assert len(errors) == 1 and errors[0].startswith(error), errors


def test_good_exceptions_have_no_error():
    assert compliance.exception_errors([{"control": c, "instance": "main", "reason": "why"}
                                        for c in compliance.CONTROL_IDS], ["main"]) == []


def test_scoring_changes_none_of_its_inputs():
    resolved = model()
    groups = [described(spec) for spec in resolved["instances"]]
    exceptions = [{"control": "CKV_AWS_191", "reason": "x"}]
    before = copy.deepcopy((groups, resolved["instances"], exceptions))
    compliance.score(groups, resolved["instances"], exceptions, resolved["cache"]["kms_key"])
    assert (groups, resolved["instances"], exceptions) == before


def test_version_tuple():
    assert compliance.version_tuple("7.1.0") == (7, 1, 0)
    assert compliance.version_tuple("6.x") == (6,)
    assert compliance.version_tuple(None) == ()


def _pubsub(retention, group_retention):
    resolved = model(cache_instances=[{"name": "main", "purpose": "main"},
                                      {"name": "pubsub", "purpose": "pubsub", "snapshot_retention_limit": retention}])
    groups = [described(spec) for spec in resolved["instances"]]
    groups[1]["snapshot_retention_limit"] = group_retention
    return compliance.score(groups, resolved["instances"], (), resolved["cache"]["kms_key"])


def test_a_pubsub_instance_without_backups_is_an_accepted_exception_with_the_runbooks_reason():
    accepted = row(_pubsub(0, 0), "ElastiCache.1", "pubsub")
    assert accepted["result"] == compliance.ACCEPTED and "needs to survive a restart" in accepted["reason"]


def test_the_pubsub_exception_holds_only_while_the_instance_asks_for_no_backups():
    assert row(_pubsub(3, 0), "ElastiCache.1", "pubsub")["result"] in compliance.FAILING  # drift from 3
    main = model()["instances"][0]
    assert compliance.score([dict(described(main), snapshot_retention_limit=0)], [main], (),
                            model()["cache"]["kms_key"])[0]["result"] in compliance.FAILING


SERVERLESS_INSTANCES = [{"name": "main", "purpose": "main"},
                        {"name": "queue", "purpose": "queue", "kind": "serverless", "engine": "valkey",
                         "engine_version": "8"}]


def serverless_described(spec, **changes):
    """The serverless cache as replication_group_info's serverless_caches returns it once the cache role made it."""
    cache = {"serverless_cache_name": spec["replication_group_id"], "status": "available", "engine": "valkey",
             "full_engine_version": "8.0", "snapshot_retention_limit": 7, "user_group_id": spec["replication_group_id"],
             "kms_key_id": KEY_ARN, "subnet_ids": ["subnet-1", "subnet-2"]}
    cache.update(changes)
    return cache


def serverless_scored(**changes):
    resolved = model(cache_instances=SERVERLESS_INSTANCES)
    main, queue = resolved["instances"]
    assert (main["kind"], queue["kind"]) == ("node", "serverless")
    caches = [serverless_described(queue, **changes)] if changes.get("status") != "gone" else []
    return compliance.score([described(main)], resolved["instances"], (), resolved["cache"]["kms_key"],
                            caches=caches)


def test_a_serverless_cache_is_scored_on_what_applies_and_not_failed_on_node_only_controls():
    rows = [r for r in serverless_scored() if r["instance"] == "queue"]
    results = dict((r["control"], r["result"]) for r in rows)
    assert results == {"ElastiCache.1": "PASS", "ElastiCache.2": "NOT_APPLICABLE", "ElastiCache.3": "NOT_APPLICABLE",
                       "ElastiCache.4": "PASS", "ElastiCache.5": "PASS", "ElastiCache.6": "NOT_APPLICABLE",
                       "ElastiCache.7": "NOT_APPLICABLE", "elasticache-rbac-auth-enabled": "PASS",
                       "CKV_AWS_191": "PASS"}
    assert row(rows, "ElastiCache.3", "queue")["detail"] == (
        "serverless cache: AWS replicates it across Availability Zones and fails over itself")
    assert all(r["result"] == "PASS" for r in serverless_scored() if r["instance"] == "main"
               and r["control"] in ("ElastiCache.1", "ElastiCache.4", "ElastiCache.5"))


def test_a_serverless_cache_without_backups_user_group_or_key_fails_naming_the_field():
    rows = serverless_scored(snapshot_retention_limit=0, user_group_id=None, kms_key_id=None)
    assert row(rows, "ElastiCache.1", "queue")["field"] == (
        "cache_instances[1] (queue).snapshot_retention_limit: 1 or more")
    rbac = row(rows, "elasticache-rbac-auth-enabled", "queue")
    assert (rbac["result"], rbac["field"]) == ("FAIL", "cache_instances[1] (queue).access: rbac")
    key = row(rows, "CKV_AWS_191", "queue")
    assert key["result"] == "FAIL" and "this cache has no KmsKeyId" in key["detail"]


def test_a_serverless_cache_that_does_not_exist_is_one_failing_row():
    rows = [r for r in serverless_scored(status="gone") if r["instance"] == "queue"]
    assert [(r["control"], r["result"]) for r in rows] == [("(group)", "FAIL")]
    assert rows[0]["detail"].startswith("serverless cache funmagic-prod-queue does not exist")
