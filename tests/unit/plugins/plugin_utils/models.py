"""The resolved model of test inputs, for the tests of plugin_utils (rules, existing, derived)."""

import copy

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rules
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import specs

SPECS, DEFAULTS = specs.role_declarations()
TOKEN = "Secret-Token-0123456789"
ALL = ["network", "cache", "monitoring", "client"]


def check(roles=None, hosts=None, removed=(), **overrides):
    variables = copy.deepcopy(DEFAULTS)
    variables.update(aws_region="us-east-1")
    variables.update(overrides)
    client = None
    if "client" in (roles or ALL):
        client = {"app1": dict((k, v) for k, v in variables.items() if k.startswith("client_"))}
        client["app1"].update(hosts or {})
    return rules.check(variables, SPECS, roles or ALL, client, removed)


def errors_of(**kwargs):
    with pytest.raises(specs.InputError) as caught:
        check(**kwargs)
    return caught.value.errors


FOUND = {
    "vpcs": [{"vpc_id": "vpc-0123abcd"}],
    "subnets": [{"subnet_id": "subnet-0000000a", "availability_zone": "us-east-1a"},
                {"subnet_id": "subnet-0000000b", "availability_zone": "us-east-1b"}],
    "app_security_groups": [{"group_id": "sg-0123abcd", "group_name": "funmagic-ec2-sg"}],
    "sns_topics": {},
}


def group(group_id, members=1, node_type="cache.t3.micro"):
    return {"replication_group_id": group_id, "status": "available", "transit_encryption_enabled": True,
            "cache_node_type": node_type, "member_clusters": ["%s-00%d" % (group_id, i + 1) for i in range(members)],
            "primary_endpoint": {"address": "master.%s.example" % group_id, "port": 6379}}
