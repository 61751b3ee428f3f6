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


def test_a_duration_probes_on_one_connection_and_reports_the_series():
    series = {"pings": 30, "pings_failed": 2, "seconds": 3.0, "longest_outage_seconds": 0.3, "pong_at_end": True,
              "outages": [{"started": 1.0, "seconds": 0.3, "failed_pings": 2, "causes": ["protocol"], "ended": True}]}
    with mock.patch.object(redis_ping, "probe_series", return_value=dict(series)) as probe_series, \
            mock.patch.object(redis_ping, "ping") as ping:
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "password": TOKEN, "duration": 3,
                                                         "stop_file": "/tmp/stop"}, region=None)
    assert not failed and result["pong"] is True and result["pings_failed"] == 2 and result["changed"] is False
    assert probe_series.call_args[0][1:] == (3.0, 0.1, "/tmp/stop") and not ping.called
    assert TOKEN not in str(result)


def test_a_series_whose_last_ping_failed_fails_the_task():
    series = {"pings": 3, "pings_failed": 3, "seconds": 0.3, "longest_outage_seconds": 0.3, "pong_at_end": False,
              "outages": [{"started": 0, "seconds": 0.3, "failed_pings": 3, "causes": ["tcp"], "ended": False}]}
    with mock.patch.object(redis_ping, "probe_series", return_value=dict(series)):
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "duration": 0.3}, region=None)
    assert failed and "3 of 3 failed" in result["msg"]
