"""redis_cli_ping: the host's redis-cli for every instance in one execution; the token only in its environment."""

from __future__ import annotations

from unittest import mock

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.modules import redis_cli_ping
from tests.unit.plugins.modules.fake_aws import FakeAWS

TOKEN = "Cli-Ping-Token-0123456"
CONNECTIONS = {"main": {"endpoint": "m.example", "port": 6379, "tls": True, "cluster": False},
               "queue": {"endpoint": "q.example", "port": 6380, "tls": False, "cluster": True}}


def no_timeout(_module, name):
    """A host without coreutils' timeout: redis-cli runs bare."""
    return None if name == "timeout" else "/usr/bin/" + name


def run(answers, **args):
    calls = []

    def run_command(_module, argv, environ_update=None, **_kwargs):
        calls.append((argv, environ_update))
        return 0, answers[argv[2]], ""

    with mock.patch.object(AnsibleModule, "run_command", run_command), \
            mock.patch.object(AnsibleModule, "get_bin_path", no_timeout):
        failed, result = FakeAWS().run(redis_cli_ping.main, dict({"connections": CONNECTIONS}, **args), region=None)
    return failed, result, calls


def test_the_first_cli_found_on_the_path_is_used_and_none_found_fails_naming_them():
    calls = []

    def run_command(_module, argv, environ_update=None, **_kwargs):
        calls.append(argv)
        return 0, "PONG\n", ""

    found = {"redis6-cli": "/usr/bin/redis6-cli"}
    with mock.patch.object(AnsibleModule, "run_command", run_command), \
            mock.patch.object(AnsibleModule, "get_bin_path", lambda _module, name: found.get(name)):
        failed, _result = FakeAWS().run(redis_cli_ping.main, {"connections": CONNECTIONS, "tokens": {"main": TOKEN},
                                                              "cli": ["redis-cli", "redis6-cli"]}, region=None)
        assert not failed and calls and all(argv[0] == "redis6-cli" for argv in calls)
        found.clear()
        failed, result = FakeAWS().run(redis_cli_ping.main, {"connections": CONNECTIONS,
                                                             "cli": ["redis-cli", "redis6-cli"]}, region=None)
    assert failed and result["msg"] == ("redis-cli or redis6-cli: not found on this host's PATH; "
                                        "playbooks/configure_hosts.yml installs it.")


def test_every_instance_is_pinged_with_its_token_in_the_environment_only():
    failed, result, calls = run({"m.example": "PONG\n", "q.example": "PONG\n"}, tokens={"main": TOKEN})
    messages = [a["message"] for a in result["answers"]]
    assert not failed and messages == ["main: PONG (redis-cli)", "queue: PONG (redis-cli)"]
    assert calls == [(["redis-cli", "-h", "m.example", "-p", "6379", "--tls", "PING"], {"REDISCLI_AUTH": TOKEN}),
                     (["redis-cli", "-h", "q.example", "-p", "6380", "-c", "PING"], None)]
    assert TOKEN not in str(result)


def test_every_failure_is_named_at_once_with_the_variable_to_check():
    failed, result, _calls = run({"m.example": "NOAUTH Authentication required.\n", "q.example": "PONG\n"},
                                 rotating=["main"])
    assert failed
    assert result["msg"] == ("main: redis-cli got no PONG (noauth): no token was sent and the server requires one "
                             "(NOAUTH Authentication required.). Pass the AUTH token: set cache_auth_tokens_next.main.")
    assert [a["pong"] for a in result["answers"]] == [False, True]


def test_check_mode_pings_nothing():
    with mock.patch.object(AnsibleModule, "run_command") as run_command:
        failed, result = FakeAWS().run(redis_cli_ping.main, {"connections": CONNECTIONS}, check_mode=True, region=None)
    assert not failed and result["answers"] == [] and not run_command.called


PASSWORD = "Web-Password-Cli-0123456"
RBAC = {"queue": {"endpoint": "q.example", "port": 6379, "tls": True, "cluster": False, "access": "rbac"},
        "main": {"endpoint": "m.example", "port": 6379, "tls": True, "cluster": False, "access": "token"}}
WORKERS = [{"name": "web", "users": {"queue": "web"}, "refused_keys": {"queue": "admin:refused"}, "env_file": "/x"},
           {"name": "admin", "users": {"queue": "admin"}, "refused_keys": {"queue": "web:refused"}},
           {"name": "cron", "users": {}, "refused_keys": {}}]


def run_users(answer, **args):
    """Run with RBAC and WORKERS; answer(argv, password) -> stdout (stderr empty)."""
    calls = []

    def run_command(_module, argv, environ_update=None, **_kwargs):
        calls.append((argv, environ_update))
        return 0, answer(argv, (environ_update or {}).get("REDISCLI_AUTH")), ""

    with mock.patch.object(AnsibleModule, "run_command", run_command), \
            mock.patch.object(AnsibleModule, "get_bin_path", no_timeout):
        failed, result = FakeAWS().run(redis_cli_ping.main, dict({"connections": RBAC, "workers": WORKERS,
                                                                  "tokens": {"main": TOKEN}}, **args), region=None)
    return failed, result, calls


def acl(argv, password):
    """A queue instance where each user reaches its own keys only."""
    if argv[-1] == "PING":
        return "PONG\n" if password else "NOAUTH Authentication required.\n"
    return "NOPERM this user has no permissions to access one of the keys used as arguments\n"


def test_each_worker_pings_an_rbac_instance_as_its_user_with_the_password_in_the_environment_only():
    passwords = {"queue": {"web": PASSWORD, "admin": "Admin-Password-Cli-0123"}}
    failed, result, calls = run_users(acl, passwords=passwords)
    assert not failed, result["msg"]
    assert [(a["name"], a["worker"], a["user"], a["pong"], a["refused"]) for a in result["answers"]] == [
        ("main", None, None, True, None), ("queue", "admin", "admin", True, True), ("queue", "web", "web", True, True)]
    assert (["redis-cli", "-h", "q.example", "-p", "6379", "--tls", "--user", "web", "PING"],
            {"REDISCLI_AUTH": PASSWORD}) in calls
    assert (["redis-cli", "-h", "q.example", "-p", "6379", "--tls", "--user", "web", "EXISTS", "admin:refused"],
            {"REDISCLI_AUTH": PASSWORD}) in calls
    assert all(PASSWORD not in argv for argv, _env in calls) and PASSWORD not in str(result)
    assert "queue as web: refused on admin:refused, another worker's key (NOPERM" in result["msg"]


def test_a_missing_password_is_named_without_running_redis_cli_and_other_users_still_answer():
    failed, result, calls = run_users(acl, passwords={"queue": {"admin": "Admin-Password-Cli-0123"}},
                                      rotating_users={"queue": ["web"]})
    assert failed
    assert result["msg"] == "queue as web: no password to PING with: set cache_user_passwords_next.queue.web."
    assert not any("web" in argv for argv, _env in calls)
    assert [a["pong"] for a in result["answers"]] == [True, True, False]


def test_a_user_that_reaches_another_workers_key_fails_the_task():
    def allowed(argv, _password):
        return "PONG\n" if argv[-1] == "PING" else "0\n"

    failed, result, _calls = run_users(allowed, passwords={"queue": {"web": PASSWORD, "admin": "Admin-Pw-012345"}})
    assert failed and all(a["pong"] for a in result["answers"])
    assert "queue as web: can reach admin:refused, another worker's key (EXISTS answered 0 instead of NOPERM)" \
        in result["msg"]


def test_no_refusal_is_tried_without_pong_nor_for_a_worker_without_refused_key():
    def refused_password(argv, _password):
        return "NOAUTH Authentication required.\n"

    workers = [{"name": "web", "users": {"queue": "web"}}]
    failed, result, calls = run_users(refused_password, workers=workers, passwords={"queue": {"web": PASSWORD}})
    assert failed and [argv[-1] for argv, _env in calls] == ["PING", "PING"]
    assert result["answers"][1]["refused"] is None and result["answers"][1]["cause"] == "noauth"


def test_an_endpoint_missing_from_etc_hosts_stops_everything_before_any_ping(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.33.2 m.example\n")
    failed, result, calls = run({}, tokens={"main": TOKEN}, hosts_file=str(hosts))
    assert failed and result["msg"] == "q.example is not in %s; resolving it would query DNS." % hosts
    assert calls == []


def test_redis_cli_runs_under_the_hosts_timeout_and_a_stopped_one_is_named_timeout():
    calls = []

    def run_command(_module, argv, environ_update=None, **_kwargs):
        calls.append(argv)
        return (0, "PONG\n", "") if "m.example" in argv else (124, "", "")

    with mock.patch.object(AnsibleModule, "run_command", run_command), \
            mock.patch.object(AnsibleModule, "get_bin_path", lambda _module, name: "/usr/bin/" + name):
        failed, result = FakeAWS().run(redis_cli_ping.main, {"connections": CONNECTIONS, "timeout": 3}, region=None)
    assert calls[0][:5] == ["/usr/bin/timeout", "-k", "2", "3", "redis-cli"]
    assert failed and [a["cause"] for a in result["answers"]] == [None, "timeout"]
    assert result["msg"].startswith("queue: redis-cli got no PONG (timeout): no answer within 3 s")
