"""Rules of the application hosts that are not per worker: the batch a day-2 playbook moves at a time."""

from tests.unit.plugins.plugin_utils.test_rbac import rbac_errors, rbac_model


def test_the_batch_size_is_a_number_of_hosts_or_a_share_of_them():
    assert rbac_model(_batch_size=4) and rbac_model(_batch_size="25%") and rbac_model(_batch_size=None)
    for wrong in (0, "0", "0%", "101%", "-1", "four", 2.5):
        assert any(e.startswith("redis_batch_size: must be") for e in rbac_errors(_batch_size=wrong)), wrong
