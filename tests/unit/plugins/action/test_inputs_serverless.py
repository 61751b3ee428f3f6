"""The inputs action with a serverless instance (kind serverless): described with the groups in the preflight's one
lookup, missing until it exists, then a connection of its own; remembered and recorded with the groups."""

from unittest.mock import MagicMock

from ansible_collections.funmagic.elasticache.plugins.action.inputs import ActionModule
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import memo
from tests.unit.plugins.action.test_inputs import FOUND, TOKEN, Templar, _group

PASSWORD = "Serverless-Password-0123"
CACHE = {"serverless_cache_name": "funmagic-jobs", "status": "available",
         "endpoint": {"address": "funmagic-jobs-x.serverless.use1.cache.amazonaws.com", "port": 6379},
         "reader_endpoint": {"address": "funmagic-jobs-x.serverless.use1.cache.amazonaws.com", "port": 6380}}
ROLES = {"roles": ["network", "cache", "monitoring", "client"], "client_hosts": ["app1"], "discover": True,
         "describe": True, "remember": True}


def run(args, caches, task_vars=None, calls=None):
    """The action's result, AWS answering with FOUND, the main group and `caches`; module calls (name, args) in
    `calls`."""
    calls = [] if calls is None else calls

    def execute_module(module_name, module_args, task_vars):
        calls.append((module_name, module_args))
        if module_name == "funmagic.elasticache.prerequisites_info":
            return dict(FOUND, replication_groups=[_group("funmagic-main")], serverless_caches=caches)
        return {"replication_groups": [_group("funmagic-main")], "serverless_caches": caches}

    task = MagicMock(args=args, async_val=0, check_mode=False, action="funmagic.elasticache.inputs")
    action = ActionModule(task, MagicMock(), MagicMock(), loader=None, templar=Templar(), shared_loader_obj=None)
    action._execute_module = execute_module  # pylint: disable=protected-access
    variables = {
        "inventory_hostname": "localhost", "aws_region": "us-east-1",
        "cache_instances": [{"name": "main"}, {"name": "jobs", "purpose": "queue", "access": "rbac",
                                               "kind": "serverless", "engine": "valkey", "engine_version": "8.0"}],
        "cache_auth_tokens": {"main": TOKEN}, "cache_user_passwords": {"jobs": {"app": PASSWORD}},
        "hostvars": {"app1": {"inventory_hostname": "app1"}},
    }
    variables.update(task_vars or {})
    return action.run(task_vars=variables)


def test_the_preflight_describes_the_serverless_cache_in_its_one_lookup_and_lists_it_missing_until_it_exists():
    calls = []
    model = run(ROLES, [], calls=calls)["model"]
    assert [name for name, _args in calls] == ["funmagic.elasticache.prerequisites_info"]
    asked = calls[0][1]
    assert asked["serverless_cache_names"] == ["funmagic-jobs"]
    assert asked["replication_group_ids"] == ["funmagic-main", "funmagic-jobs"]  # a group of that name is refused
    assert model["missing"] == ["funmagic-jobs"] and sorted(model["connections"]) == ["main"]


def test_an_existing_serverless_cache_is_a_connection_and_no_group_is_missing():
    model = run(ROLES, [CACHE])["model"]
    assert model["missing"] == []
    jobs = model["connections"]["jobs"]
    assert (jobs["kind"], jobs["endpoint"], jobs["port"], jobs["reader_port"], jobs["tls"], jobs["cluster"],
            jobs["access"]) == ("serverless", CACHE["endpoint"]["address"], 6379, 6380, True, True, "rbac")
    assert model["tls_moves"] == [] and PASSWORD not in repr(model)


def test_the_caches_are_remembered_and_recorded_with_the_groups_and_reused():
    remembered = run(ROLES, [])["ansible_facts"][memo.FACT]
    assert remembered["groups"]["serverless_caches"] == []
    recorded = run({"roles": ["cache"], "record": {"replication_groups": [_group("funmagic-main")],
                                                   "serverless_caches": [CACHE]}},
                   [], {memo.FACT: remembered})["ansible_facts"][memo.FACT]
    assert recorded["groups"]["serverless_caches"] == [CACHE]
    calls = []
    model = run({"roles": ["client"], "client_hosts": ["app1"], "describe": True, "reuse": True}, [],
                {memo.FACT: recorded}, calls)["model"]
    assert calls == [] and model["connections"]["jobs"]["endpoint"] == CACHE["endpoint"]["address"]


def test_groups_remembered_without_the_caches_are_described_again_with_them():
    remembered = {"groups": {"key": run(ROLES, [])["model"]["describe_key"],
                             "replication_groups": [_group("funmagic-main")]}}
    calls = []
    model = run({"roles": ["client"], "client_hosts": ["app1"], "describe": True, "reuse": True}, [CACHE],
                {memo.FACT: remembered}, calls)["model"]
    assert [(name, args["serverless_cache_names"]) for name, args in calls] == [
        ("funmagic.elasticache.replication_group_info", ["funmagic-jobs"])]
    assert model["missing"] == []
