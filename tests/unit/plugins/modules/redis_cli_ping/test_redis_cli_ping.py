"""redis_cli_ping: the host's redis-cli for every instance in one execution; the token only in its environment."""

from __future__ import annotations

from unittest import mock

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.modules import redis_cli_ping
from tests.unit.plugins.modules.fake_aws import FakeAWS

TOKEN = "Cli-Ping-Token-0123456"
CONNECTIONS = {"main": {"endpoint": "m.example", "port": 6379, "tls": True, "cluster": False},
               "queue": {"endpoint": "q.example", "port": 6380, "tls": False, "cluster": True}}


def run(answers, **args):
    calls = []

    def run_command(_module, argv, environ_update=None, **_kwargs):
        calls.append((argv, environ_update))
        return 0, answers[argv[2]], ""

    with mock.patch.object(AnsibleModule, "run_command", run_command):
        failed, result = FakeAWS().run(redis_cli_ping.main, dict({"connections": CONNECTIONS}, **args), region=None)
    return failed, result, calls


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
