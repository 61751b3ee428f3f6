"""Checks against what AWS has: what must exist first, and what AWS cannot change on a group that exists."""

import copy

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import existing
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError
from tests.unit.plugins.plugin_utils.models import FOUND, check


def test_prerequisites_found_give_the_network_ids():
    assert existing.check_prerequisites(check(), FOUND) == {
        "vpc_id": "vpc-0123abcd", "subnet_ids": ["subnet-0000000a", "subnet-0000000b"],
        "availability_zones": ["us-east-1a", "us-east-1b"], "app_security_group_id": "sg-0123abcd",
        "ingress": [{"port": 6379, "group_id": "sg-0123abcd", "description": "Redis from funmagic-ec2-sg"}],
        "redis_security_group_id": None}
    found = dict(FOUND, redis_security_groups=[{"group_id": "sg-0000beef", "group_name": "funmagic-redis-sg"}])
    assert existing.check_prerequisites(check(), found)["redis_security_group_id"] == "sg-0000beef"


def test_a_serverless_instance_opens_its_reader_port_to_the_application_group_too():
    model = check(cache_instances=[{"name": "main", "purpose": "main"},
                                   {"name": "queue", "purpose": "queue", "kind": "serverless", "access": "rbac",
                                    "engine": "valkey", "engine_version": "8"}],
                  cache_user_passwords={"queue": {"app": "App-Password-0123456789"}})
    assert existing.check_prerequisites(model, FOUND)["ingress"] == [
        {"port": 6379, "group_id": "sg-0123abcd", "description": "Redis from funmagic-ec2-sg"},
        {"port": 6380, "group_id": "sg-0123abcd", "description": "Redis reader endpoint from funmagic-ec2-sg"}]


@pytest.mark.parametrize("change, expected", [
    ({"vpcs": []}, "network_vpc_id: this account has no default VPC in us-east-1; set network_vpc_id"),
    ({"subnets": FOUND["subnets"][:1]}, "network_vpc_id: the subnets of VPC vpc-0123abcd are in one availability zone"),
    ({"app_security_groups": []}, "network_app_security_group: no security group named 'funmagic-ec2-sg'"),
])
def test_missing_prerequisites_name_the_variable(change, expected):
    with pytest.raises(InputError) as caught:
        existing.check_prerequisites(check(), dict(FOUND, **change))
    assert caught.value.errors[0].startswith(expected), caught.value.errors


def test_missing_sns_topic_and_listed_subnet_outside_the_vpc():
    arn = "arn:aws:sns:us-east-1:123456789012:alerts"
    model = check(monitoring_alarm_actions=[arn], network_subnet_ids=["subnet-0000000a", "subnet-0000000c"])
    with pytest.raises(InputError) as caught:
        existing.check_prerequisites(model, dict(FOUND, sns_topics={arn: False}))
    assert "network_subnet_ids[1]: subnet subnet-0000000c is not in VPC vpc-0123abcd" in caught.value.errors
    assert any(e.startswith("network_subnet_ids: the subnets of VPC vpc-0123abcd are in one") for e in caught.value.errors)
    assert "monitoring_alarm_actions[0]: SNS topic %s does not exist; create it or remove it" % arn in caught.value.errors


def test_a_group_without_a_token_gets_rotate_and_the_specs_are_not_changed():
    specs = check(cache_auth_tokens={"main": "Secret-Token-0123456789"})["instances"]
    before = copy.deepcopy(specs)
    group = {"replication_group_id": "funmagic-main", "status": "available", "auth_token_enabled": False,
             "at_rest_encryption_enabled": True, "transit_encryption_enabled": True,
             "primary_endpoint": {"address": "m.example", "port": 6379}}
    assert existing.check_existing(specs, [group], 6379) == {"funmagic-main": "rotate"}
    assert existing.check_existing(specs, [dict(group, auth_token_enabled=True)], 6379) == {}
    assert specs == before


def test_what_aws_cannot_change_in_place_is_refused_with_the_choices():
    specs = check()["instances"]
    group = {"replication_group_id": "funmagic-main", "status": "available", "at_rest_encryption_enabled": False,
             "cluster_enabled": True, "primary_endpoint": {"address": "m.example", "port": 6380}}
    with pytest.raises(InputError) as caught:
        existing.check_existing(specs, [group], 6379)
    assert [e.split(":")[0] for e in caught.value.errors] == [
        "cache_instances[0] (main).at_rest_encryption", "cache_instances[0] (main).cluster_mode", "cache_port"]


def test_what_the_cache_role_names_must_exist_until_its_group_does():
    topic = "arn:aws:sns:us-east-1:123456789012:events"
    model = check(cache_notification_topic_arn=topic, cache_instances=[
        {"name": "main", "restore_from_snapshot": "nightly"},
        {"name": "queue", "purpose": "queue", "primary_cluster_id": "queue-node", "at_rest_encryption": False},
        {"name": "pubsub", "purpose": "pubsub", "primary_cluster_id": "busy-node", "at_rest_encryption": False},
        {"name": "old", "primary_cluster_id": "member-node", "at_rest_encryption": False}])
    assert model["named"] == {"sns_topic_arns": [topic], "snapshot_names": ["nightly"],
                              "cache_cluster_ids": ["busy-node", "member-node", "queue-node"], "kms_key_ids": []}
    found = dict(FOUND, sns_topics={topic: False}, snapshots={"nightly": False},
                 cache_clusters={"queue-node": None, "busy-node": {"status": "modifying", "replication_group_id": None},
                                 "member-node": {"status": "available", "replication_group_id": "other"}})
    with pytest.raises(InputError) as caught:
        existing.check_prerequisites(model, found, [])
    assert [e.split(":")[0] for e in caught.value.errors] == [
        "cache_notification_topic_arn", "cache_instances[0] (main).restore_from_snapshot",
        "cache_instances[1] (queue).primary_cluster_id", "cache_instances[2] (pubsub).primary_cluster_id",
        "cache_instances[3] (old).primary_cluster_id"]
    assert "snapshot nightly does not exist in us-east-1" in caught.value.errors[1]
    assert "is a member of replication group other" in caught.value.errors[4]
    # Once the groups exist, the snapshot and the clusters are history; without a description they are not judged.
    made = [{"replication_group_id": "funmagic-" + name} for name in ("main", "queue", "pubsub", "old")]
    found["sns_topics"] = {topic: True}
    assert existing.check_prerequisites(model, found, made)["vpc_id"] == "vpc-0123abcd"
    assert existing.check_prerequisites(model, found)["vpc_id"] == "vpc-0123abcd"


KMS_ARN = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


@pytest.mark.parametrize("found, expected", [
    (None, "cache_kms_key: KMS key %s does not exist in us-east-1" % KMS_ARN),
    ({"arn": KMS_ARN, "state": "PendingDeletion"}, "cache_kms_key: KMS key %s is PendingDeletion" % KMS_ARN),
])
def test_a_kms_key_that_is_missing_or_not_enabled_is_refused(found, expected):
    with pytest.raises(InputError) as caught:
        existing.check_prerequisites(check(cache_kms_key=KMS_ARN), dict(FOUND, kms_keys={KMS_ARN: found}))
    assert caught.value.errors[0].startswith(expected), caught.value.errors
    enabled = dict(FOUND, kms_keys={KMS_ARN: {"arn": KMS_ARN, "state": "Enabled"}})
    assert existing.check_prerequisites(check(cache_kms_key=KMS_ARN), enabled)["vpc_id"] == "vpc-0123abcd"


def test_a_serverless_instance_cannot_take_the_place_of_a_replication_group_of_its_name():
    specs = check(cache_instances=[{"name": "main", "kind": "serverless", "access": "rbac"}],
                  cache_auth_tokens={}, cache_user_passwords={"main": {"app": "Serverless-App-Password-1"}})["instances"]
    group = {"replication_group_id": "funmagic-main", "status": "available", "at_rest_encryption_enabled": True,
             "primary_endpoint": {"address": "m.example", "port": 6379}}
    with pytest.raises(InputError) as caught:
        existing.check_existing(specs, [group], 6379)
    assert caught.value.errors == [
        "cache_instances[0] (main).kind: replication group funmagic-main exists, and a serverless cache cannot take "
        "its place in one step; keep kind: node, or move the instance to serverless under another name (snapshot, "
        "restore into the new instance, move the hosts, then delete funmagic-main with a final snapshot)"]
    assert existing.check_existing(specs, [dict(group, status="deleting")], 6379) == {}


def _with(instance, **found):
    return existing.check_prerequisites(check(cache_instances=[dict({"name": "main"}, **instance)]),
                                        dict(FOUND, **found))


IPV6 = {"ipv6_cidr_blocks": ["2600:1f18::/64"]}


def test_network_type_needs_the_subnets_address_families():
    dual = [dict(s, ipv4=True, **IPV6) for s in FOUND["subnets"]]
    assert _with({"network_type": "dual_stack"}, subnets=dual)["subnet_ids"] == ["subnet-0000000a", "subnet-0000000b"]
    with pytest.raises(InputError) as caught:
        _with({"network_type": "dual_stack"}, subnets=[dual[0], dict(FOUND["subnets"][1], ipv4=True)])
    assert caught.value.errors == [
        "cache_instances[0] (main).network_type: dual_stack needs subnets with both an IPv4 and an IPv6 CIDR; in VPC "
        "vpc-0123abcd, subnet-0000000b do(es) not. Give the subnets IPv6 CIDRs (or list others in network_subnet_ids), "
        "or set network_type: ipv4"]
    with pytest.raises(InputError) as caught:
        _with({"network_type": "ipv6"}, subnets=dual)
    assert "IPv6-only subnets" in caught.value.errors[0]
    assert _with({"network_type": "ipv6"}, subnets=[dict(s, ipv4=False, **IPV6) for s in FOUND["subnets"]])


def test_preferred_azs_must_be_zones_of_the_subnet_group():
    assert _with({"replicas": 1, "preferred_azs": ["us-east-1b", "us-east-1b"]})
    with pytest.raises(InputError) as caught:
        _with({"replicas": 1, "preferred_azs": ["us-east-1a", "us-east-1c"]})
    assert caught.value.errors == ["cache_instances[0] (main).preferred_azs: us-east-1c has no subnet of the subnet "
                                   "group (its zones are us-east-1a, us-east-1b); choose among them or add a subnet "
                                   "there"]


def test_data_tiering_and_network_type_of_a_group_that_exists_are_refused_with_the_choices():
    specs = check(cache_instances=[{"name": "main", "network_type": "dual_stack", "data_tiering": False}])["instances"]
    group = {"replication_group_id": "funmagic-main", "status": "available", "at_rest_encryption_enabled": True,
             "transit_encryption_enabled": True, "auth_token_enabled": True, "data_tiering": "disabled",
             "network_type": "ipv4"}
    with pytest.raises(InputError) as caught:
        existing.check_existing(specs, [group], 6379)
    assert [e.split(":")[0] for e in caught.value.errors] == ["cache_instances[0] (main).network_type"]
    assert "set network_type: ipv4 for this instance" in caught.value.errors[0]
    assert existing.check_existing(check()["instances"], [group], 6379) == {}


def test_a_group_in_a_global_datastore_the_instance_does_not_list_is_refused_with_both_ways_out():
    group = {"replication_group_id": "funmagic-main", "status": "available", "at_rest_encryption_enabled": True,
             "transit_encryption_enabled": True, "auth_token_enabled": True,
             "global_replication_group_info": {"global_replication_group_id": "ldgnf-funmagic-main",
                                               "global_replication_group_member_role": "PRIMARY"}}
    with pytest.raises(InputError) as caught:
        existing.check_existing(check()["instances"], [group], 6379)
    assert caught.value.errors == [
        "cache_instances[0] (main).global: replication group funmagic-main is the primary member of global datastore "
        "ldgnf-funmagic-main, and the instance lists no global; to keep the datastore, give its other Regions in "
        "global: {regions: [...]} (aws elasticache describe-global-replication-groups --show-member-info lists "
        "them); to end it, take it apart first (funmagic.elasticache.global_replication_group with suffix "
        "funmagic-main and state: absent leaves each Region's group standalone, with its data)"]
    listed = check(cache_instances=[{"name": "main", "node_type": "cache.r6g.large", "engine_version": "7.1",
                                     "global": {"regions": ["us-west-2"]}}])["instances"]
    assert existing.check_existing(listed, [group], 6379) == {}
    assert existing.check_existing(check()["instances"], [dict(group, global_replication_group_info={})], 6379) == {}
