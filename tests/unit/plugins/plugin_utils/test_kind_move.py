"""Moving an instance from nodes to serverless: the checks naming the field, and the plan (plugin_utils/kind_move)."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import kind_move
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError

MAIN = {"name": "main", "kind": "node", "replication_group_id": "funmagic-main"}
NEW = {"name": "main2", "kind": "serverless", "replication_group_id": "funmagic-main2", "moved_from": "main"}


def test_a_node_instance_moves_to_its_serverless_successor():
    assert kind_move.plan([MAIN, NEW], "main", "serverless", ["funmagic-main"], []) == {
        "source": "funmagic-main", "target": "main2", "cache": "funmagic-main2",
        "snapshot": "funmagic-main-to-serverless", "done": False}


def test_a_rerun_after_the_cache_exists_is_done_even_when_the_group_is_gone():
    assert kind_move.plan([MAIN, NEW], "main", "serverless", [], ["funmagic-main2"])["done"] is True


@pytest.mark.parametrize("instances, name, to, field", [
    ([MAIN, NEW], "nope", "serverless", "move_instance: no instance named 'nope'"),
    ([NEW], "main2", "serverless", "move_instance: 'main2' is already serverless"),
    ([MAIN, NEW], "main", "node", "move_to: 'node' is not supported"),
    ([MAIN], "main", "serverless", "cache_instances: exactly one instance must say moved_from: main (found 0)"),
    ([MAIN, dict(NEW, kind="node")], "main", "serverless", "cache_instances (main2).kind: must be serverless"),
])
def test_bad_input_names_the_field(instances, name, to, field):
    with pytest.raises(InputError) as err:
        kind_move.plan(instances, name, to, ["funmagic-main"], [])
    assert field in str(err.value)


def test_a_missing_group_is_refused_before_anything_changes():
    with pytest.raises(InputError, match="replication group funmagic-main of 'main' does not exist"):
        kind_move.plan([MAIN, NEW], "main", "serverless", [], [])


def _spec(name, kind="node", purpose="main", **more):
    return dict(name=name, kind=kind, purpose=purpose, replication_group_id="funmagic-" + name, **more)


@pytest.mark.parametrize("specs, message", [
    ([_spec("main"), _spec("main2", "serverless", moved_from="mian")],
     "cache_instances[1] (main2).moved_from: 'mian' names no other instance in cache_instances (known: main)"),
    ([_spec("main"), _spec("main2", moved_from="main")],
     "cache_instances[1] (main2).moved_from: only a kind: serverless instance can be moved to"),
    ([_spec("main"), _spec("main2", "serverless", "queue", moved_from="main")],
     "cache_instances[1] (main2).moved_from: main has purpose main and main2 has queue"),
    ([_spec("main", "serverless"), _spec("main2", "serverless", moved_from="main")],
     "cache_instances[1] (main2).moved_from: main is not a node-based instance"),
    ([_spec("main"), _spec("a", "serverless", moved_from="main"), _spec("b", "serverless", moved_from="main")],
     "cache_instances[2] (b).moved_from: main moves to a already"),
    ([_spec("main", engine="valkey"), _spec("main2", "serverless", moved_from="main", engine="redis")],
     "cache_instances[1] (main2).moved_from: main runs Valkey, and a Valkey snapshot cannot be restored into Redis"),
])
def test_moved_from_is_checked_naming_the_field(specs, message):
    errors = kind_move.instance_errors(specs)
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_a_good_moved_from_has_no_error():
    assert kind_move.instance_errors([_spec("main"), _spec("main2", "serverless", moved_from="main")]) == []


SPECS = [_spec("main"), _spec("main2", "serverless", moved_from="main")]


def test_the_target_is_never_created_empty_while_its_source_exists():
    errors = kind_move.pending_errors(SPECS, {"funmagic-main"}, None)
    assert errors == ["cache_instances[1] (main2).moved_from: the serverless cache funmagic-main2 does not exist yet "
                      "and replication group funmagic-main of main does; it would be created empty. Run "
                      "playbooks/move_kind.yml -e move_instance=main first: it restores the data of main into it and "
                      "moves the hosts"]
    assert kind_move.pending_errors(SPECS, {"funmagic-main"}, "main") == []  # the move itself
    assert kind_move.pending_errors(SPECS, {"funmagic-main", "funmagic-main2"}, None) == []  # moved
    assert kind_move.pending_errors(SPECS, set(), None) == []  # nothing to carry over: a new environment


def test_a_source_whose_group_is_gone_after_the_move_is_not_created_again_empty():
    for move_instance in (None, "main"):
        errors = kind_move.pending_errors(SPECS, {"funmagic-main2"}, move_instance)
        assert errors == ["cache_instances[0] (main): replication group funmagic-main is gone and main2, which "
                          "moved_from it, exists: the move is done. Remove main from cache_instances and moved_from "
                          "from main2; a run would create main again, empty"]


def test_the_hosts_use_the_target_once_it_exists():
    assert kind_move.replaced(SPECS, {"funmagic-main"}) == {}
    assert kind_move.replaced(SPECS, {"funmagic-main", "funmagic-main2"}) == {"main": "main2"}


def test_a_worker_that_maps_a_purpose_to_the_source_by_name_gets_the_target():
    clients = {"app1": {"workers": [{"name": "web", "instances": {"main": "main", "queue": "jobs"}}, {"name": "x"}]}}
    kind_move.redirect(clients, {"main": "main2"})
    assert [w["instances"] for w in clients["app1"]["workers"]] == [{"main": "main2", "queue": "jobs"}, {}]


def _clients(*workers):
    return {"app1": {"workers": list(workers)}, "app2": {"workers": list(workers)}}


def test_a_worker_whose_queue_prefix_becomes_a_hash_tag_is_warned_once():
    specs = [_spec("main", cluster_mode=False), _spec("queue", purpose="queue", cluster_mode=False),
             _spec("queue2", "serverless", "queue", moved_from="queue")]
    warnings = kind_move.prefix_warnings(specs, _clients({"name": "web", "queue_prefix": "web"}, {"name": "admin"},
                                                         {"name": "tagged", "queue_prefix": "{jobs}"}), "queue")
    assert warnings == [
        "move_instance: worker admin's QUEUE_PREFIX goes from 'bull' to '{bull}' on the serverless cache (a cluster: "
        "the keys of a BullMQ queue must share a slot). The jobs still waiting under 'bull' are carried over, but no "
        "worker sees them: drain the queues (pause the producers) before the move",
        "move_instance: worker web's QUEUE_PREFIX goes from 'web' to '{web}' on the serverless cache (a cluster: the "
        "keys of a BullMQ queue must share a slot). The jobs still waiting under 'web' are carried over, but no "
        "worker sees them: drain the queues (pause the producers) before the move"]  # tagged keeps {jobs}
    # Not the queue's instance for these workers, or already a cluster: nothing changes for BullMQ.
    assert kind_move.prefix_warnings(specs, _clients({"name": "web", "queue_prefix": "web"}), "main") == []
    clustered = [dict(specs[0]), dict(specs[1], cluster_mode=True), specs[2]]
    assert kind_move.prefix_warnings(clustered, _clients({"name": "web", "queue_prefix": "web"}), "queue") == []


def test_move_instance_is_taken_only_by_the_move_playbook():
    assert kind_move.move_instance_errors(None, None) == []
    assert kind_move.move_instance_errors("main", True) == []
    assert kind_move.move_instance_errors("main", None) == [
        "move_instance: only playbooks/move_kind.yml takes it (it snapshots the group and makes the serverless cache "
        "from it); run ansible-playbook playbooks/move_kind.yml -e move_instance=main instead, or drop -e "
        "move_instance"]
