"""redis_ping: one exit, failing or not as fail_on_error says, and never echoing the token."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.modules import redis_ping
from tests.unit.plugins.modules.fake_aws import FakeAWS

TOKEN = "Sup3r-Secret-Token-123"


def refused(*_args):
    raise ProbeError("auth", "the server refused authentication: WRONGPASS. Check the AUTH token (and user).")


@pytest.mark.parametrize("fail_on_error", [True, False])
def test_no_pong_names_the_cause_and_fails_only_when_asked(fail_on_error):
    with mock.patch.object(redis_ping, "ping", refused):
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "password": TOKEN,
                                                         "fail_on_error": fail_on_error}, region=None)
    assert failed is fail_on_error
    assert result["pong"] is False and result["cause"] == "auth" and "WRONGPASS" in result["msg"]
    assert TOKEN not in str(result)


def test_pong_is_returned_unchanged():
    answer = {"pong": True, "latency_ms": 1.5, "tls_version": "TLSv1.3", "peer_subject": "CN=h", "peer_not_after": "x"}
    with mock.patch.object(redis_ping, "ping", return_value=answer) as ping:
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "password": TOKEN, "port": 6380},
                                       region=None)
    assert not failed and result["pong"] is True and result["changed"] is False
    assert ping.call_args[0][:3] == ("h.example", 6380, True)
