"""The inputs action with a global datastore: each secondary Region's network is looked up (read-only, once per run)
and what a Region lacks stops the run, naming the Region."""

from unittest.mock import MagicMock

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.funmagic.elasticache.plugins.action.inputs import ActionModule
from tests.unit.plugins.action.test_inputs import FOUND, TOKEN, Templar

WEST = dict(FOUND, vpcs=[{"vpc_id": "vpc-0000beef"}],
            subnets=[{"subnet_id": "subnet-0000000c", "availability_zone": "us-west-2a"},
                     {"subnet_id": "subnet-0000000d", "availability_zone": "us-west-2b"}],
            app_security_groups=[{"group_id": "sg-0000beef", "group_name": "funmagic-ec2-sg"}])


def run(west, calls, task_vars=None):
    def execute_module(module_name, module_args, task_vars):
        calls.append((module_name, module_args))
        if module_args.get("region") == "us-west-2":
            return west
        return dict(FOUND, replication_groups=[], serverless_caches=[])

    task = MagicMock(args={"roles": ["network", "cache"], "discover": True, "describe": True, "remember": True},
                     async_val=0, check_mode=False, action="funmagic.elasticache.inputs")
    action = ActionModule(task, MagicMock(), MagicMock(), loader=None, templar=Templar(), shared_loader_obj=None)
    action._execute_module = execute_module  # pylint: disable=protected-access
    variables = {"inventory_hostname": "localhost", "aws_region": "us-east-1", "cache_auth_tokens": {"main": TOKEN},
                 "cache_instances": [{"name": "main", "node_type": "cache.r6g.large",
                                      "global": {"regions": ["us-west-2"]}}]}
    variables.update(task_vars or {})
    return action.run(task_vars=variables)


def test_the_secondary_regions_network_is_looked_up_in_that_region_and_remembered():
    calls = []
    result = run(WEST, calls)
    west = result["model"]["network"]["regions"]["us-west-2"]
    assert (west["vpc_id"], west["subnet_ids"], west["app_security_group_id"]) == (
        "vpc-0000beef", ["subnet-0000000c", "subnet-0000000d"], "sg-0000beef")
    assert [a.get("region") for _n, a in calls] == [None, "us-west-2"]
    assert "replication_group_ids" not in calls[1][1]
    calls.clear()
    again = run(WEST, calls, result["ansible_facts"])  # the run's memo: asked once per run
    assert calls == []
    assert again["model"]["network"]["regions"]["us-west-2"]["app_security_group_id"] == "sg-0000beef"


def test_a_region_without_the_application_security_group_is_refused_naming_it():
    with pytest.raises(AnsibleActionFail) as caught:
        run(dict(WEST, app_security_groups=[]), [])
    assert "- us-west-2: network_app_security_group: no security group named 'funmagic-ec2-sg' in VPC vpc-0000beef" \
        in str(caught.value)
