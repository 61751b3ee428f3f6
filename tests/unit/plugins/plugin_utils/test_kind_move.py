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
