"""module_utils/users.wait_for: the one polling loop of users, user groups, serverless caches and global datastores."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import users
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError


def answers(*statuses):
    """describe() answering each status in turn (None: gone), the last one for ever."""
    left = list(statuses)

    def describe():
        status = left.pop(0) if len(left) > 1 else left[0]
        return {} if status is None else {"g": {"Status": status}}
    return describe


def test_a_tuple_of_statuses_is_met_by_any_of_them(monkeypatch):
    monkeypatch.setattr(users.time, "sleep", lambda seconds: None)
    found, polls = users.wait_for(answers("modifying", "primary-only"), {"g": ("available", "primary-only")}, 60, 1,
                                  "g")
    assert found == {"g": {"Status": "primary-only"}} and polls == ["g=modifying", "g=primary-only"]


def test_the_timeout_names_every_status_that_would_have_done(monkeypatch):
    monkeypatch.setattr(users.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(users.time, "monotonic", iter([0, 0, 100]).__next__)
    with pytest.raises(ElastiCacheError, match=r"waiting for g: g=modifying \(wanted g=available or primary-only\)"):
        users.wait_for(answers("modifying"), {"g": ("available", "primary-only")}, 60, 1, "g")


def test_gone_is_met_when_describe_no_longer_finds_it(monkeypatch):
    monkeypatch.setattr(users.time, "sleep", lambda seconds: None)
    assert users.wait_for(answers("deleting", None), {"g": "gone"}, 60, 1, "g") == ({}, ["g=deleting", "g=gone"])
