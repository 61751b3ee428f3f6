"""The inputs action as the roles call it: its arguments checked by the stub's spec, its model exactly as RETURN
documents it, and the run's memo written by it alone."""

import copy
from unittest.mock import MagicMock

import pytest
import yaml

from ansible.errors import AnsibleActionFail

from ansible_collections.funmagic.elasticache.plugins.action.inputs import ActionModule
from ansible_collections.funmagic.elasticache.plugins.modules import inputs as stub
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import memo
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import specs

TOKEN = "Secret-Token-0123456789"
DECLARED, _DEFAULTS = specs.role_declarations()
MODEL_DOC = yaml.safe_load(stub.RETURN)["model"]["contains"]
FOUND = {
    "vpcs": [{"vpc_id": "vpc-0123abcd"}],
    "subnets": [{"subnet_id": "subnet-0000000a", "availability_zone": "us-east-1a"},
                {"subnet_id": "subnet-0000000b", "availability_zone": "us-east-1b"}],
    "app_security_groups": [{"group_id": "sg-0123abcd", "group_name": "funmagic-ec2-sg"}],
    "redis_security_groups": [],
    "sns_topics": {"arn:aws:sns:us-east-1:123456789012:alerts": True},
    "snapshots": {},
    "cache_clusters": {},
    "kms_keys": {},
}


def _group(group_id, auth=True, version="7.1"):
    return {"replication_group_id": group_id, "status": "available", "transit_encryption_enabled": True,
            "engine": "redis", "engine_version": version, "parameter_group": group_id, "replicas": 1,
            "auth_token_enabled": auth, "at_rest_encryption_enabled": True, "cluster_enabled": False,
            "cache_node_type": "cache.t3.micro", "member_clusters": [group_id + "-001", group_id + "-002"],
            "primary_endpoint": {"address": "master.%s.example" % group_id, "port": 6379},
            "reader_endpoint": {"address": "replica.%s.example" % group_id, "port": 6379}}


# main as made before parameter groups were named by family (adopted), queue on Redis 6.2 (a major upgrade) whose
# clients are moving to TLS (TransitEncryptionMode preferred): the model lists it in tls_moves.
GROUPS = [_group("funmagic-main"), dict(_group("funmagic-queue", auth=False, version="6.2"),
                                        transit_encryption_mode="preferred")]


USED_BYTES = 500 * 1024 * 1024  # what CloudWatch says each node holds


class Templar:  # the task_vars of these tests hold no template; the secret maps' lookup is empty with vault
    @staticmethod
    def template(value):
        if isinstance(value, str) and value.startswith("{{ lookup('funmagic.elasticache.cache_secrets'"):
            return {}
        return value


def run(args, task_vars=None, calls=None):
    """The action's result for a task with `args`, AWS answering with FOUND and GROUPS; module calls in `calls`."""
    calls = [] if calls is None else calls

    def execute_module(module_name, module_args, task_vars):
        calls.append(module_name)
        if module_name == "funmagic.elasticache.cache_memory_info":
            return {"used_bytes": dict((c, USED_BYTES) for c in module_args["cache_cluster_ids"])}
        if module_name == "funmagic.elasticache.prerequisites_info":
            return dict(FOUND, replication_groups=GROUPS) if module_args.get("replication_group_ids") else dict(FOUND)
        return {"replication_groups": GROUPS}

    task = MagicMock(args=args, async_val=0, check_mode=False, action="funmagic.elasticache.inputs")
    action = ActionModule(task, MagicMock(), MagicMock(), loader=None, templar=Templar(), shared_loader_obj=None)
    action._execute_module = execute_module  # pylint: disable=protected-access
    variables = {
        "inventory_hostname": "localhost", "aws_region": "us-east-1", "destroy_confirm": "funmagic",
        "failover_drill_instance": "main", "failover_drill_host": "app1",
        "cache_instances": [{"name": "main"}, {"name": "queue", "purpose": "queue"}],
        "cache_auth_tokens": {"main": TOKEN, "queue": TOKEN + "q"},
        "cache_log_delivery": {"slow_log": True},
        "monitoring_alarm_actions": ["arn:aws:sns:us-east-1:123456789012:alerts"],
        "hostvars": {"app1": {"inventory_hostname": "app1"}},
    }
    variables.update(task_vars or {})
    return action.run(task_vars=variables)


ALL_ROLES = {"roles": ["network", "cache", "monitoring", "client", "destroy", "failover_drill", "compliance"],
             "client_hosts": ["app1"],
             "discover": True, "describe": True, "remember": True}


def _keys_seen():
    """Every key of the model, and of its parts, over the calls that return the most and the least."""
    seen = {}
    rbac = {"cache_instances": [{"name": "main"}, {"name": "queue", "purpose": "queue", "access": "rbac"}],
            "cache_user_passwords": {"queue": {"app": TOKEN + "p"}}}
    serverless = {"cache_instances": [{"name": "main"}, {"name": "jobs", "purpose": "queue", "access": "rbac",
                                                         "kind": "serverless"}],
                  "cache_user_passwords": {"jobs": {"app": TOKEN + "p"}}, "cache_auth_tokens": {"main": TOKEN}}
    regional = {"cache_instances": [{"name": "main", "node_type": "cache.r6g.large",
                                     "global": {"regions": ["us-west-2"]}}, {"name": "queue", "purpose": "queue"}],
                "hostvars": {"app1": {"inventory_hostname": "app1", "placement": {"region": "us-west-2"}}}}
    move = {"cache_instances": [{"name": "main"}, {"name": "queue", "purpose": "queue"},
                                {"name": "main2", "access": "rbac", "kind": "serverless", "moved_from": "main"}],
            "cache_user_passwords": {"main2": {"app": TOKEN + "p"}}, "move_instance": "main",
            "move_kind_playbook": True,
            "move_snapshot_arn": "arn:aws:elasticache:us-east-1:123456789012:snapshot:funmagic-main-to-serverless"}
    for args, task_vars in ((ALL_ROLES, None), ({"roles": ["cache"]}, None), (ALL_ROLES, rbac), (ALL_ROLES, serverless),
                            (ALL_ROLES, regional), (ALL_ROLES, move)):
        model = run(args, task_vars=task_vars)["model"]
        seen.setdefault("", set()).update(model)
        for key, value in model.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for item in value:
                    seen.setdefault(key, set()).update(item)
            elif key in ("clients", "connections"):  # maps: name -> a dict of the documented keys
                for item in value.values():
                    seen.setdefault(key, set()).update(item)
            elif isinstance(value, dict):
                seen.setdefault(key, set()).update(value)
    return seen


def test_the_model_has_exactly_the_keys_return_documents():
    seen = _keys_seen()
    assert seen.pop("") == set(MODEL_DOC)
    added = set(MODEL_DOC["instances"]["contains"])
    instances = seen.pop("instances")
    assert added | set(DECLARED["cache_defaults"]["options"]) | {"name"} <= instances
    assert instances <= added | set(DECLARED["cache_instances"]["options"])
    for key, keys in sorted(seen.items()):
        if MODEL_DOC[key].get("contains"):
            assert keys == set(MODEL_DOC[key]["contains"]), key
    assert set(k for k, v in MODEL_DOC.items() if v.get("contains")) - {"instances"} == set(seen)


def test_the_model_holds_no_token():
    result = run(ALL_ROLES)
    assert TOKEN not in repr(result)


@pytest.mark.parametrize("args, expected", [
    ({"discover": "perhaps"}, "discover"),
    ({"roles": ["cache", "cahce"]}, "roles"),
    ({"client_hosts": {"app1": 1}}, "client_hosts"),
    ({"record": {"replication_groups": "funmagic-main"}}, "replication_groups"),
    ({"record": {"groups": []}}, "groups"),
])
def test_an_argument_of_the_wrong_type_or_value_is_refused_naming_it(args, expected):
    calls = []
    with pytest.raises(AnsibleActionFail) as caught:
        run(args, calls=calls)
    assert expected in str(caught.value)
    assert calls == []


def test_the_preflight_remembers_the_lookups_the_groups_and_the_checked_roles():
    calls = []
    facts = run(ALL_ROLES, calls=calls)["ansible_facts"]
    assert list(facts) == [memo.FACT] and calls == ["funmagic.elasticache.prerequisites_info"]
    remembered = facts[memo.FACT]
    assert remembered["checked_roles"] == [
        "cache", "client", "compliance", "destroy", "failover_drill", "monitoring", "network"]
    assert [g["replication_group_id"] for g in remembered["groups"]["replication_groups"]] == \
        ["funmagic-main", "funmagic-queue"]
    assert TOKEN not in repr(remembered)

    later = []
    reused = run({"roles": ["monitoring"], "describe": True, "reuse": True},
                 {"hostvars": {"localhost": {memo.FACT: remembered}}}, later)
    assert later == [] and "ansible_facts" not in reused
    assert {a["name"] for a in reused["model"]["alarms"]} >= {"funmagic-main-001-cpu", "funmagic-queue-002-cpu"}


def test_a_group_without_a_token_is_marked_for_rotate_and_the_check_changes_no_spec():
    instances = run({"roles": ["cache"], "describe": True})["model"]["instances"]
    assert [s.get("auth_strategy") for s in instances] == [None, "rotate"]


def test_the_cache_role_records_the_groups_after_its_wait_and_forgets_them_before():
    remembered = run(ALL_ROLES)["ansible_facts"][memo.FACT]
    forgot = run({"roles": ["cache"], "describe": True, "reuse": True, "remember": False},
                 {memo.FACT: remembered})["ansible_facts"][memo.FACT]
    assert forgot["groups"] == {} and forgot["checked_roles"] == remembered["checked_roles"]
    waited = [dict(g, status="available") for g in GROUPS]
    recorded = run({"roles": ["cache"], "record": {"replication_groups": waited}},
                   {memo.FACT: forgot})["ansible_facts"][memo.FACT]
    assert recorded["groups"]["replication_groups"] == waited
    assert recorded["groups"]["key"] == run({"roles": ["cache"], "describe": True})["model"]["describe_key"]


def test_the_redis_security_group_made_in_the_run_is_found_by_later_lookups():
    remembered = run({"roles": ["network"], "discover": True})["ansible_facts"][memo.FACT]
    recorded = run({"roles": ["network"], "discover": True, "record": {"redis_security_group_id": "sg-0000beef"}},
                   {memo.FACT: remembered})["ansible_facts"][memo.FACT]
    calls = []
    model = run({"roles": ["cache"], "discover": True}, {memo.FACT: copy.deepcopy(recorded)}, calls)["model"]
    assert calls == [] and model["network"]["redis_security_group_id"] == "sg-0000beef"


def test_a_removed_variable_set_in_the_inventory_or_on_a_host_is_refused_before_any_lookup():
    calls = []
    with pytest.raises(AnsibleActionFail) as caught:
        run(dict(ALL_ROLES), {"network_redis_port": 0,
                              "hostvars": {"app1": {"inventory_hostname": "app1", "client_instances": []}}}, calls)
    message = str(caught.value)
    assert "- network_redis_port: was removed in 0.2.0; set cache_port" in message
    assert "- client_instances: was removed in 0.2.0" in message
    assert calls == []


def test_the_drill_needs_its_instance_to_have_a_group():
    instances = [{"name": "main"}, {"name": "queue", "purpose": "queue"}, {"name": "ghost"}]
    with pytest.raises(AnsibleActionFail) as caught:
        run({"roles": ["cache", "failover_drill"], "describe": True},
            {"cache_instances": instances, "failover_drill_instance": "ghost"})
    assert "failover_drill_instance: the replication group of ghost (funmagic-ghost) does not exist" in str(caught.value)
    drill = run({"roles": ["cache", "failover_drill"], "describe": True}, {"cache_instances": instances})["model"]
    assert drill["failover_drill"]["probe_host"] == "app1"


def test_the_cache_role_adopts_old_names_and_plans_the_major_upgrade_with_what_aws_does():
    calls = []
    model = run({"roles": ["cache"], "discover": True, "describe": True}, calls=calls)["model"]
    main, queue = model["instances"]
    assert main["parameter_group"] == "funmagic-main" and main["engine_change"] is None
    assert queue["parameter_group"] == "funmagic-queue-redis7"
    assert queue["engine_change"]["from"] == "redis 6.2" and queue["engine_change"]["to"] == "redis 7.1"
    assert [g.get("copy_from") for g in model["parameter_groups"]] == [None, "funmagic-queue"]
    retired = model["parameter_groups_retired"]
    assert "funmagic-queue" in retired and "funmagic-main" not in retired
    assert model["changes"][0].startswith("funmagic-queue: redis 6.2 -> redis 7.1, parameter group funmagic-queue -> "
                                          "funmagic-queue-redis7; online")
    assert "funmagic.elasticache.cache_memory_info" not in calls  # no scale down, no CloudWatch


def test_a_scale_down_reads_cloudwatch_and_is_refused_when_the_data_does_not_fit():
    calls = []
    variables = {"cache_defaults": {"node_type": "cache.t3.small"}}
    GROUPS[0]["cache_node_type"] = "cache.t3.medium"
    try:
        model = run({"roles": ["cache"], "discover": True, "describe": True}, variables, calls)["model"]
        assert "funmagic.elasticache.cache_memory_info" in calls
        assert model["instances"][0]["node_type_change"]["direction"] == "down"
        variables = {"cache_defaults": {"node_type": "cache.t3.micro"}}
        with pytest.raises(AnsibleActionFail) as caught:
            run({"roles": ["cache"], "discover": True, "describe": True}, variables)
    finally:
        GROUPS[0]["cache_node_type"] = "cache.t3.micro"
    assert "nothing was changed" in str(caught.value)
    assert "cache_instances[0] (main).node_type: replication group funmagic-main holds 0.49 GiB" in str(caught.value)


def test_groups_remembered_without_their_members_are_described_again_for_the_cache_role():
    """A status poll's groups (no engine version, no parameter group) would hide an engine change and rename a
    parameter group adopted under its old name: the cache role describes them with their members instead."""
    polled = [dict(g, engine_version=None, parameter_group=None) for g in GROUPS]
    remembered = run({"roles": ["cache"], "record": {"replication_groups": polled}})["ansible_facts"][memo.FACT]
    calls = []
    model = run({"roles": ["cache"], "describe": True, "reuse": True}, {memo.FACT: remembered}, calls)["model"]
    assert calls == ["funmagic.elasticache.replication_group_info"]
    assert model["instances"][0]["parameter_group"] == "funmagic-main"


def test_the_preflight_keeps_the_rollout_batch_for_the_moves_serial_extra_variable_first():
    remembered = run(ALL_ROLES, {"cache_rollout_batch": "50%"})["ansible_facts"][memo.FACT]
    assert remembered["rollout_batch"] == ["50%"]
    overridden = run(ALL_ROLES, {"cache_rollout_batch": "50%", "redis_batch_size": "3"})
    assert overridden["ansible_facts"][memo.FACT]["rollout_batch"] == [3]
    assert run(ALL_ROLES)["ansible_facts"][memo.FACT]["rollout_batch"] == [1, "25%"]


def test_an_application_host_with_a_batch_of_its_own_is_refused_naming_it():
    with pytest.raises(AnsibleActionFail) as caught:
        run(ALL_ROLES, {"cache_rollout_batch": 2,
                        "hostvars": {"app1": {"inventory_hostname": "app1", "cache_rollout_batch": 4}}})
    assert "host app1: cache_rollout_batch: 4 differs from localhost's 2" in str(caught.value)


def test_a_host_takes_its_region_from_its_aws_ec2_placement_and_gets_its_regions_member():
    asked = []
    west = dict(GROUPS[0], primary_endpoint={"address": "master.west.example", "port": 6379},
                reader_endpoint={"address": "replica.west.example", "port": 6379},
                global_replication_group_info={"global_replication_group_member_role": "SECONDARY"})
    east = dict(GROUPS[0], global_replication_group_info={"global_replication_group_member_role": "PRIMARY"})

    def execute_module(module_name, module_args, task_vars):
        if module_name == "funmagic.elasticache.replication_group_info":
            asked.append((module_args.get("region"), module_args["replication_group_ids"]))
            return {"replication_groups": [west] if module_args.get("region") == "us-west-2" else [east]}
        if module_name == "funmagic.elasticache.prerequisites_info":
            return dict(FOUND)
        return {}

    task = MagicMock(args={"roles": ["client"], "client_hosts": ["app1", "app2"], "describe": True},
                     async_val=0, check_mode=False, action="funmagic.elasticache.inputs")
    action = ActionModule(task, MagicMock(), MagicMock(), loader=None, templar=Templar(), shared_loader_obj=None)
    action._execute_module = execute_module  # pylint: disable=protected-access
    result = action.run(task_vars={
        "inventory_hostname": "localhost", "aws_region": "us-east-1", "cache_auth_tokens": {"main": TOKEN},
        "cache_instances": [{"name": "main", "node_type": "cache.r6g.large", "global": {"regions": ["us-west-2"]}}],
        "hostvars": {"app1": {"placement": {"region": "us-west-2"},
                              "client_workers": [{"name": "web", "global_writes": "local"}]},
                     "app2": {"inventory_hostname": "app2"}}})
    assert asked == [(None, ["funmagic-main"]), ("us-west-2", ["funmagic-main"])]  # aws_region: the default one
    clients = result["model"]["clients"]
    assert (clients["app1"]["region"], clients["app2"]["region"]) == ("us-west-2", "us-east-1")
    assert clients["app1"]["connections"]["main"]["local_endpoint"] == "master.west.example"
    assert clients["app1"]["connections"]["main"]["endpoint"] == "master.funmagic-main.example"
    assert "local_endpoint" not in clients["app2"]["connections"]["main"]
    assert [w.split(":")[0] for w in result["warnings"]] == ["host app1 (us-west-2)"]
    assert TOKEN not in repr(result)


def test_a_move_target_is_not_created_empty_by_the_preflight_of_redis_yml():
    move = {"cache_instances": [{"name": "main"}, {"name": "queue", "purpose": "queue"},
                                {"name": "main2", "access": "rbac", "kind": "serverless", "moved_from": "main"}],
            "cache_user_passwords": {"main2": {"app": TOKEN + "p"}}}
    with pytest.raises(AnsibleActionFail, match=r"cache_instances\[2\] \(main2\).moved_from: the serverless cache "
                                                r"funmagic-main2 does not exist yet .* playbooks/move_kind.yml"):
        run(ALL_ROLES, task_vars=move)
    with pytest.raises(AnsibleActionFail, match=r"move_instance: only playbooks/move_kind.yml takes it"):
        run(ALL_ROLES, task_vars=dict(move, move_instance="main"))  # redis.yml -e move_instance=main
    model = run(ALL_ROLES, task_vars=dict(move, move_instance="main", move_kind_playbook=True))["model"]
    warnings = model["move"].pop("warnings")
    assert model["move"] == {"source": "funmagic-main", "target": "main2", "cache": "funmagic-main2",
                             "snapshot": "funmagic-main-to-serverless", "done": False}
    assert warnings == []  # the queue purpose stays on queue
    assert "snapshot_arns_to_restore" not in model["instances"][2]  # no snapshot yet: nothing to restore


def test_moving_the_queue_warns_of_each_worker_whose_queue_prefix_becomes_a_hash_tag():
    moving = {"cache_instances": [{"name": "main"}, {"name": "queue", "purpose": "queue"},
                                  {"name": "queue2", "purpose": "queue", "access": "rbac", "kind": "serverless",
                                   "moved_from": "queue"}],
              "cache_user_passwords": {"queue2": {"web": TOKEN + "p"}}, "move_instance": "queue",
              "move_kind_playbook": True,
              "hostvars": {"app1": {"inventory_hostname": "app1",
                                    "client_workers": [{"name": "web", "queue_prefix": "web"}]}}}
    result = run(ALL_ROLES, task_vars=moving)
    assert result["warnings"] == result["model"]["move"]["warnings"] == [
        "move_instance: worker web's QUEUE_PREFIX goes from 'web' to '{web}' on the serverless cache (a cluster: the "
        "keys of a BullMQ queue must share a slot). The jobs still waiting under 'web' are carried over, but no worker "
        "sees them: drain the queues (pause the producers) before the move"]
