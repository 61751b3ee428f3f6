"""The network of each secondary Region of a global datastore: same names, that Region's VPC and subnets, and what is
missing there named with its Region."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import global_spec
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError
from tests.unit.plugins.plugin_utils.models import FOUND, check, errors_of

GLOBAL = [{"name": "main", "node_type": "cache.r6g.large", "engine_version": "7.1",
           "global": {"regions": ["us-west-2"]}}]


def test_a_secondary_region_gets_the_same_names_in_its_default_vpc():
    model = check(cache_instances=GLOBAL)
    west = model["network"]["regions"]["us-west-2"]
    assert (west["redis_security_group"], west["subnet_group"], west["app_security_group"]) == (
        "funmagic-redis-sg", "funmagic-redis-subnet", "funmagic-ec2-sg")
    assert (west["vpc_id"], west["subnet_ids"]) == ("", [])
    assert "regions" not in west
    assert check()["network"]["regions"] == {}


def test_network_regions_gives_a_region_its_vpc_and_subnets():
    model = check(cache_instances=GLOBAL, network_regions={"us-west-2": {"vpc_id": "vpc-0000beef",
                                                                         "subnet_ids": ["subnet-0000000c"]}})
    west = model["network"]["regions"]["us-west-2"]
    assert (west["vpc_id"], west["subnet_ids"]) == ("vpc-0000beef", ["subnet-0000000c"])
    assert model["network"]["vpc_id"] == ""


def test_bad_network_regions_are_named():
    errors = errors_of(cache_instances=GLOBAL, network_regions={
        "us-west-2": {"vpc_id": "vpc-nope", "subnet_ids": ["sub-1"], "subnets": []},
        "eu-west-1": {}})
    assert errors == [
        "network_regions.eu-west-1: no instance has eu-west-1 in its global.regions (us-west-2)",
        "network_regions.us-west-2: unknown key 'subnets'; a Region takes vpc_id and subnet_ids",
        "network_regions.us-west-2.vpc_id: 'vpc-nope' is not a VPC id (vpc-0123abcd); leave it out for the Region's "
        "default VPC",
        "network_regions.us-west-2.subnet_ids[0]: 'sub-1' is not a subnet id (subnet-0123abcd)"]


def test_a_regions_network_found_gives_its_ids():
    model = check(cache_instances=GLOBAL)
    found = global_spec.check_region(model, "us-west-2", FOUND)
    assert found["app_security_group_id"] == "sg-0123abcd" and found["vpc_id"] == "vpc-0123abcd"
    assert found["ingress"] == [{"port": 6379, "group_id": "sg-0123abcd", "description": "Redis from funmagic-ec2-sg"}]


@pytest.mark.parametrize("change, expected", [
    ({"vpcs": []}, "us-west-2: network_regions.us-west-2.vpc_id: this account has no default VPC in us-west-2"),
    ({"app_security_groups": []}, "us-west-2: network_app_security_group: no security group named 'funmagic-ec2-sg'"),
    ({"subnets": FOUND["subnets"][:1]},
     "us-west-2: network_regions.us-west-2.vpc_id: the subnets of VPC vpc-0123abcd are in one availability zone"),
])
def test_what_a_secondary_region_lacks_is_named_with_the_region(change, expected):
    with pytest.raises(InputError) as caught:
        global_spec.check_region(check(cache_instances=GLOBAL), "us-west-2", dict(FOUND, **change))
    assert caught.value.errors[0].startswith(expected), caught.value.errors


def test_destroy_takes_each_global_datastore_apart_and_deletes_every_regions_group_and_network():
    instances = GLOBAL + [{"name": "queue", "purpose": "queue", "node_type": "cache.r6g.large", "engine_version": "7.1",
                           "global": {"regions": ["us-west-2", "eu-west-1"]}}, {"name": "pubsub", "purpose": "pubsub"}]
    destroy = check(roles=["destroy"], destroy_confirm="funmagic", cache_instances=instances)["destroy"]
    assert destroy["global_datastores"] == ["funmagic-main", "funmagic-queue"]
    assert destroy["global_members"] == [
        {"region": "us-west-2", "replication_group_id": "funmagic-main"},
        {"region": "eu-west-1", "replication_group_id": "funmagic-queue"},
        {"region": "us-west-2", "replication_group_id": "funmagic-queue"}]
    assert destroy["regions"] == ["eu-west-1", "us-west-2"]
