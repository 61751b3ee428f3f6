import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost


@pytest.mark.parametrize("node_type, about", [("cache.t3.micro", 12), ("cache.t3.small", 24),
                                              ("cache.t3.medium", 48)])
def test_reference_values_of_the_seed(node_type, about):
    assert cost.monthly_cost(node_type) == pytest.approx(about, rel=0.05)


def test_monthly_cost_is_hourly_price_times_730_hours_times_nodes():
    assert cost.monthly_cost("cache.r6g.large", nodes=2) == round(cost.HOURLY_USD["cache.r6g.large"] * 730 * 2, 2)
    assert cost.monthly_cost("cache.t3.small", engine="valkey") == round(0.034 * 730 * 0.8, 2)


def test_every_required_family_is_priced():
    for family in ("t3", "t4g", "m6g", "m7g", "r6g", "r7g"):
        assert any(name.startswith("cache.%s." % family) for name in cost.HOURLY_USD)


@pytest.mark.parametrize("args, fragment", [(("cache.bogus.large",), "no price"), (("cache.t3.micro", 0), "nodes"),
                                            (("cache.t3.micro", 1, "eu-west-1"), "region")])
def test_unknown_inputs_are_errors(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        cost.monthly_cost(*args)


@pytest.mark.parametrize("node_type, vcpus", [("cache.t3.micro", 2), ("cache.t2.micro", 1), ("cache.r6g.xlarge", 4),
                                              ("cache.m7g.16xlarge", 64)])
def test_vcpus(node_type, vcpus):
    assert cost.vcpus(node_type) == vcpus


def _purpose_spec(name, purpose, backups, policy=None):
    return {"name": name, "purpose": purpose, "node_type": "cache.t3.micro", "replicas": 1,
            "snapshot_retention_limit": backups, "parameters": {"maxmemory-policy": policy} if policy else {}}


def test_the_table_says_what_each_purpose_changes_beside_the_nodes():
    specs = [_purpose_spec("main", "main", 7), _purpose_spec("queue", "queue", 1, "noeviction"),
             _purpose_spec("pubsub", "pubsub", 0)]
    report = cost.report(specs, "us-east-1", {("cache.t3.micro", "redis"): 0.017}, "test", "2025-06-01")
    lines = cost.table(report)
    assert lines[4] == ("Purposes: main (main) keeps 7 daily backups; queue (queue) keeps 1 daily backup, evicts "
                        "nothing (noeviction); pubsub (pubsub) keeps no backup. Backup storage beyond one backup per "
                        "cluster is billed per GB-month, not counted above.")
    assert lines[5].startswith("Total us-east-1: 74.46 USD/month")
    text = cost.markdown(report)
    assert "- Purposes: main (main) keeps 7 daily backups;" in text and "\n- Total: 74.46 USD/month" in text
    assert "- Total us-east-1" not in text


def test_rows_without_a_purpose_print_no_purposes_line():
    report = cost.report([{"name": "main", "node_type": "cache.t3.micro"}], "us-east-1",
                         {("cache.t3.micro", "redis"): 0.017}, "test", None)
    assert not [line for line in cost.table(report) if line.startswith("Purposes")]
