import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation


@pytest.mark.parametrize("value", ["main", "a", "funmagic-prod-queue", "a" * 40])
def test_good_identifiers(value):
    assert validation.identifier(value, "replication_group_id") == []


@pytest.mark.parametrize("value", ["bad--id", "1abc", "ends-", "a" * 41, "under_score", ""])
def test_bad_identifiers_name_the_option(value):
    [message] = validation.identifier(value, "replication_group_id")
    assert message.startswith("replication_group_id")


@pytest.mark.parametrize("token", ["Sup3r-Secret-Token-123", "a" * 16, "a" * 128, "!&#$^<>-abcdefghij"])
def test_good_tokens(token):
    assert validation.auth_token(token) == []


@pytest.mark.parametrize("token", ["short", "a" * 15, "a" * 129, "has@at-sign-1234567", 'has"quote-1234567',
                                   "has/slash-12345678", "has space 12345678"])
def test_bad_tokens_name_the_option_and_never_echo_the_token(token):
    [message] = validation.auth_token(token)
    assert message.startswith("auth_token") and token not in message


def test_retention_and_replicas_bounds():
    assert validation.retention(35) == [] and validation.retention(0) == []
    assert "snapshot_retention_limit" in validation.retention(40)[0]
    assert validation.replicas(5) == [] and "replicas" in validation.replicas(6)[0]


@pytest.mark.parametrize("snapshot, maintenance, fragment", [
    ("5:00-6:00", None, "snapshot_window"),
    ("05:00-05:30", None, "shorter than the 60 minutes"),
    (None, "funday:01:00-funday:02:00", "maintenance_window"),
    (None, "sun:01:00-sun:01:30", "between 60 minutes and 24 hours"),
    ("03:00-04:00", "mon:03:30-mon:04:30", "overlaps"),
    ("23:30-00:30", "tue:00:00-tue:01:00", "overlaps"),
])
def test_bad_windows(snapshot, maintenance, fragment):
    errors = validation.windows(snapshot, maintenance)
    assert len(errors) == 1 and fragment in errors[0]


def test_windows_that_do_not_overlap():
    assert validation.windows("03:00-04:00", "sun:05:00-sun:06:00") == []
    assert validation.windows("22:00-23:00", "sat:23:30-sun:01:30") == []
