"""Rules of the application hosts that are not per worker: the batch a day-2 playbook moves at a time."""

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import host_rules
from tests.unit.plugins.plugin_utils.test_rbac import rbac_errors, rbac_model

WRONG = (0, "0", "0%", "101%", "-1", -2, "four", 2.5, True, "25 %", "")


def test_the_inventory_sets_the_batch_and_the_extra_variable_overrides_it():
    assert rbac_model()["rollout_batch"] == [1, "25%"]
    assert rbac_model(cache_rollout_batch=4)["rollout_batch"] == [4]
    assert rbac_model(cache_rollout_batch="50%")["rollout_batch"] == ["50%"]
    assert rbac_model(cache_rollout_batch="3")["rollout_batch"] == [3]
    assert rbac_model(cache_rollout_batch="50%", _batch_size=2)["rollout_batch"] == [2]
    assert rbac_model(_batch_size="25%")["rollout_batch"] == ["25%"]


def test_a_bad_batch_is_refused_naming_the_variable_it_came_from():
    for wrong in WRONG:
        assert any(e.startswith("cache_rollout_batch: must be a number of hosts") and repr(wrong) in e
                   for e in rbac_errors(cache_rollout_batch=wrong)), wrong
        assert any(e.startswith("redis_batch_size: must be a number of hosts")
                   for e in rbac_errors(cache_rollout_batch=4, _batch_size=wrong)), wrong
        assert not any("cache_rollout_batch" in e for e in rbac_errors(cache_rollout_batch=4, _batch_size=wrong))


def test_a_host_with_its_own_batch_is_refused_one_batch_moves_the_fleet():
    errors = rbac_errors(cache_rollout_batch=2, _host_rollout_batches={"app1": 2, "app2": "50%"})
    assert [e for e in errors if "rollout_batch" in e] == [
        "host app2: cache_rollout_batch: '50%' differs from localhost's 2; one batch size moves the whole fleet: set "
        "it once, in group_vars/all"]


def test_the_default_moves_one_host_first_then_a_quarter_of_them():
    assert host_rules.rollout_batch(None, None) == ([1, "25%"], [])
    assert host_rules.rollout_batch(None, " 10% ") == (["10%"], [])
    assert host_rules.rollout_batch(None, 0)[0] is None


READS = [{"name": "main", "purpose": "main", "replicas": 1},
         {"name": "queue", "purpose": "queue", "access": "rbac", "kind": "serverless", "engine": "valkey",
          "engine_version": "8"},
         {"name": "pubsub", "purpose": "pubsub", "replicas": 0}]


def reader_errors(read_from_replicas, **overrides):
    workers = {"client_workers": [{"name": "web", "queue_prefix": "web", "read_from_replicas": read_from_replicas},
                                  {"name": "admin", "queue_prefix": "admin"}]}
    settings = dict(dict(cache_instances=READS, hosts=workers), **overrides)
    return [e for e in rbac_errors(**settings) if "read_from_replicas" in e]


def test_a_worker_reads_replicas_of_a_group_with_replicas_or_a_serverless_cache():
    model = rbac_model(cache_instances=READS, hosts={"client_workers": [
        {"name": "web", "queue_prefix": "web", "read_from_replicas": ["main", "queue"]}, {"name": "admin"}]})
    assert [w.get("read_from_replicas") for w in model["clients"]["app1"]["workers"]] == [["main", "queue"], None]


def test_reading_replicas_is_refused_without_a_replica_in_cluster_mode_or_for_an_unknown_purpose():
    assert reader_errors(["pubsub", "qeue"]) == [
        "host app1: client_workers[0] (web).read_from_replicas: pubsub is read from instance pubsub, but it has no "
        "replica (replicas: 0); remove pubsub or read from an instance with replicas",
        "host app1: client_workers[0] (web).read_from_replicas: unknown purpose 'qeue' (did you mean queue?); "
        "known: main, queue, pubsub"]
    clustered = [dict(READS[0], cluster_mode=True, shards=2), READS[1]]
    assert any("main is read from instance main, but it is in cluster mode" in e
               for e in reader_errors(["main"], cache_instances=clustered))
