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


PONG = {"pong": True, "latency_ms": 1.5, "tls_version": "TLSv1.3", "peer_subject": "CN=h", "peer_not_after": "x"}
NOPERM = "NOPERM this user has no permissions to access one of the keys used as arguments"


def _refused_key_run(answer, **args):
    with mock.patch.object(redis_ping, "ping", return_value=dict(PONG)), \
            mock.patch.object(redis_ping, "refused", return_value=answer) as refused:
        failed, result = FakeAWS().run(redis_ping.main, dict({"host": "h.example", "user": "web", "password": TOKEN,
                                                              "refused_key": "admin:x"}, **args), region=None)
    return failed, result, refused


def test_after_pong_a_refused_key_must_be_noperm():
    failed, result, refused = _refused_key_run((True, NOPERM))
    assert not failed and result["pong"] is True and result["refused"] is True and result["refused_answer"] == NOPERM
    assert result["msg"] == "PONG from h.example:6379 as web, and web is refused on admin:x (NOPERM)"
    assert refused.call_args[0] == ("h.example", "admin:x", 6379, True, None, "web", TOKEN, 5.0)
    assert TOKEN not in str(result)


@pytest.mark.parametrize("fail_on_error", [True, False])
def test_a_key_the_user_can_reach_fails_naming_user_and_key(fail_on_error):
    failed, result, _refused = _refused_key_run((False, "EXISTS answered 1"), fail_on_error=fail_on_error)
    assert failed is fail_on_error and result["refused"] is False
    assert result["msg"].startswith("web can reach admin:x on h.example:6379, a key it should be refused (EXISTS "
                                    "answered 1): the user can reach another worker's keys.")
    assert TOKEN not in str(result)


def test_no_pong_skips_the_refusal_and_names_the_redis_error():
    def noperm(*_args):
        raise ProbeError("noperm", "user web has no permission to run PING: NOPERM ...", "NOPERM")

    with mock.patch.object(redis_ping, "ping", noperm), mock.patch.object(redis_ping, "refused") as refused:
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "user": "web", "password": TOKEN,
                                                         "refused_key": "admin:x"}, region=None)
    assert failed and (result["cause"], result["error"]) == ("noperm", "NOPERM") and not refused.called
    assert "refused" not in result


def test_refused_key_and_duration_are_refused_together():
    failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "refused_key": "k", "duration": 1},
                                   region=None)
    assert failed and result["msg"] == "refused_key and duration cannot be used together: prove the refusal once."


def test_targets_are_checked_in_one_execution_each_failure_named_with_its_own_reason():
    def ping(host, *_args):
        if host == "q.example":
            raise ProbeError("tcp", "nothing listens on the port: check the security group.")
        return dict(PONG)

    targets = [{"name": "main", "host": "m.example", "password": TOKEN},
               {"name": "queue", "host": "q.example", "password": TOKEN}]
    with mock.patch.object(redis_ping, "ping", ping):
        failed, result = FakeAWS().run(redis_ping.main, {"targets": targets}, region=None)
    assert failed and result["pong"] is False
    assert result["msg"] == "queue: No PONG from q.example:6379 (tcp): nothing listens on the port: check the " \
        "security group."
    assert [(r["name"], r["pong"]) for r in result["results"]] == [("main", True), ("queue", False)]
    assert result["results"][0]["message"] == "main: PONG in 1.5 ms over TLSv1.3"
    assert TOKEN not in str(result)


def test_a_target_missing_from_etc_hosts_stops_everything_before_any_connection(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.33.2 m.example\n")
    with mock.patch.object(redis_ping, "ping") as ping:
        failed, result = FakeAWS().run(redis_ping.main, {"hosts_file": str(hosts), "targets": [
            {"name": "main", "host": "m.example"}, {"name": "queue", "host": "q.example"}]}, region=None)
    assert failed and result["msg"] == "q.example is not in %s; resolving it would query DNS." % hosts
    assert not ping.called


def test_a_worker_target_proves_noperm_and_says_so():
    with mock.patch.object(redis_ping, "ping", return_value=dict(PONG)), \
            mock.patch.object(redis_ping, "refused", return_value=(True, NOPERM)):
        failed, result = FakeAWS().run(redis_ping.main, {"targets": [
            {"name": "queue", "host": "q.example", "user": "web", "password": TOKEN, "refused_key": "admin:x"}]},
            region=None)
    assert not failed and result["results"][0]["message"] == "queue as web: PONG in 1.5 ms, refused on admin:x (NOPERM)"
    assert TOKEN not in str(result)


def test_connections_are_checked_as_redis_cli_ping_checks_them_token_and_each_worker_s_user():
    seen = []

    def ping(host, port, tls, ca_file, user, password, *_args):
        seen.append((host, port, user, password))
        return dict(PONG)

    connections = {"main": {"endpoint": "m.example", "port": 6379, "tls": True, "access": "token"},
                   "queue": {"endpoint": "q.example", "port": 6380, "tls": True, "access": "rbac"}}
    workers = [{"name": "web", "users": {"queue": "web"}}, {"name": "admin", "users": {"queue": "admin"}}]
    with mock.patch.object(redis_ping, "ping", ping):
        failed, result = FakeAWS().run(redis_ping.main, {
            "connections": connections, "tokens": {"main": TOKEN}, "workers": workers,
            "passwords": {"queue": {"web": TOKEN + "w", "admin": TOKEN + "a"}}}, region=None)
    assert not failed, result
    assert seen == [("m.example", 6379, None, TOKEN), ("q.example", 6380, "admin", TOKEN + "a"),
                    ("q.example", 6380, "web", TOKEN + "w")]
    assert [r["message"].split(":")[0] for r in result["results"]] == ["main", "queue as admin", "queue as web"]
    assert TOKEN not in str(result)


def test_a_write_key_writes_after_each_pong_reports_a_change_and_is_not_written_in_check_mode():
    series = {"pings": 4, "pings_failed": 0, "seconds": 0.4, "longest_outage_seconds": 0.0, "pong_at_end": True,
              "outages": [], "writes": 4, "writes_failed": 2, "write_outages": [], "write_at_end": True,
              "longest_write_outage_seconds": 0.2}
    with mock.patch.object(redis_ping, "probe_series", return_value=dict(series)) as probe_series:
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "duration": 0.4,
                                                         "write_key": "drill:probe"}, region=None)
    assert not failed and result["changed"] is True and result["writes_failed"] == 2
    assert probe_series.call_args[1]["write_once"] is not None
    with mock.patch.object(redis_ping, "probe_series", return_value=dict(series, writes=0, writes_failed=0)) as probe:
        failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "duration": 0.4,
                                                         "write_key": "drill:probe", "_ansible_check_mode": True},
                                       region=None)
    assert probe.call_args[1]["write_once"] is None and result["changed"] is False


def test_a_write_key_needs_a_duration():
    failed, result = FakeAWS().run(redis_ping.main, {"host": "h.example", "write_key": "k"}, region=None)
    assert failed and result["msg"].startswith("write_key needs duration")
