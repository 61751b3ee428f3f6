"""ACL users (access rbac) in the probe: WRONGPASS, NOAUTH and NOPERM told apart, and the NOPERM proof on a key."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cli_answer
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cli_refusal
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import refused
from tests.unit.plugins.module_utils.test_redis_probe import FakeRedis

PASSWORD = "Web-Pass-Acl-0123456789"
AUTH = ("AUTH", "web", PASSWORD)
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
KEY_NOPERM = b"-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"


def _probe(answers, call):
    fake = FakeRedis(answers)
    try:
        return call(fake.port), fake.commands
    finally:
        fake.close()


@pytest.mark.parametrize("answers, password, cause, error, words", [
    ({AUTH: WRONGPASS}, PASSWORD, "auth", "WRONGPASS", "refused user web with this password: WRONGPASS"),
    ({("PING",): b"-NOAUTH Authentication required.\r\n"}, None, "auth", "NOAUTH", "Pass user web's password"),
    ({AUTH: b"+OK\r\n", ("PING",): b"-NOPERM this user has no permissions to run the 'ping' command\r\n"}, PASSWORD,
     "noperm", "NOPERM", "user web has no permission to run PING: NOPERM this user"),
])
def test_a_users_refusals_are_told_apart(answers, password, cause, error, words):
    def call(port):
        with pytest.raises(ProbeError) as excinfo:
            ping("127.0.0.1", port, tls=False, user="web", password=password, timeout=2)
        return excinfo.value

    failure, _commands = _probe(answers, call)
    assert (failure.cause, failure.error) == (cause, error) and words in failure.hint
    assert PASSWORD not in failure.hint


def test_the_token_keeps_its_own_wording_and_no_error_code_for_other_causes():
    failure, _commands = _probe({("AUTH", "default", "tok"): WRONGPASS}, lambda port: pytest.raises(
        ProbeError, ping, "127.0.0.1", port, tls=False, password="tok", timeout=2).value)
    assert failure.hint.endswith("Check the AUTH token (and user).") and failure.error == "WRONGPASS"
    assert ProbeError("tcp", "hint").error is None


@pytest.mark.parametrize("answer, expected", [
    (KEY_NOPERM, (True, KEY_NOPERM[1:].decode().strip())),
    (b":0\r\n", (False, "EXISTS answered 0")),
    (b"-MOVED 1234 10.0.0.1:6379\r\n", (False, "an error that is not NOPERM: MOVED 1234 10.0.0.1:6379")),
])
def test_the_refusal_is_proven_only_by_noperm_on_exists(answer, expected):
    result, commands = _probe({AUTH: b"+OK\r\n", ("EXISTS", "admin:x"): answer},
                              lambda port: refused("127.0.0.1", "admin:x", port, tls=False, user="web",
                                                   password=PASSWORD, timeout=2))
    assert result == expected and commands == [AUTH, ("EXISTS", "admin:x")]


def test_a_refused_password_stops_the_proof_with_cause_auth():
    failure, commands = _probe({AUTH: WRONGPASS}, lambda port: pytest.raises(
        ProbeError, refused, "127.0.0.1", "admin:x", port, tls=False, user="web", password=PASSWORD,
        timeout=2).value)
    assert failure.cause == "auth" and commands == [AUTH]


USER_ANSWERS = [
    ("PONG\n", "", (True, None, "queue as web: PONG (redis-cli)")),
    ("NOAUTH Authentication required.\n", "AUTH failed: WRONGPASS invalid username-password pair or user is "
                                          "disabled.\n",
     (False, "auth", "queue as web: redis-cli got no PONG (auth): user web's password was sent and the server refused "
                     "it (WRONGPASS invalid username-password pair or user is disabled.): the user is not in the "
                     "replication group's user group, is off, or cache_user_passwords.queue.web is not one of its "
                     "passwords.")),
    ("NOAUTH Authentication required.\n", "",
     (False, "noauth", "queue as web: redis-cli got no PONG (noauth): no password was sent for user web and the "
                       "server requires one (NOAUTH Authentication required.). Set cache_user_passwords.queue.web.")),
    ("NOPERM this user has no permissions to run the 'ping' command\n", "",
     (False, "noperm", "queue as web: redis-cli got no PONG (noperm): user web has no permission to run PING (NOPERM "
                       "this user has no permissions to run the 'ping' command). Check its access string (the "
                       "worker's access_strings) in the replication group's user group.")),
]


@pytest.mark.parametrize("stdout, stderr, expected", USER_ANSWERS)
def test_redis_cli_answers_as_a_user_name_the_user_and_its_password_variable(stdout, stderr, expected):
    assert cli_answer("queue", stdout, stderr, user="web", where="cache_user_passwords.queue.web") == expected


@pytest.mark.parametrize("stdout, stderr, refused_, words", [
    ("NOPERM this user has no permissions to access one of the keys used as arguments\n", "", True,
     "queue as web: refused on admin:x, another worker's key (NOPERM this user has no permissions"),
    ("1\n", "", False, "queue as web: can reach admin:x, another worker's key (EXISTS answered 1 instead of NOPERM)"),
    ("", "Could not connect to Redis at q:6379: Connection refused\n", False,
     "queue as web: could not prove a refusal on admin:x, another worker's key: EXISTS answered Could not connect"),
])
def test_redis_cli_refusal_is_noperm_only(stdout, stderr, refused_, words):
    found, message = cli_refusal("queue", "web", "admin:x", stdout, stderr)
    assert found is refused_ and message.startswith(words)
