"""What redis-cli's answer to PING means (module_utils/redis_probe.cli_answer)."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cli_answer


@pytest.mark.parametrize("stdout, stderr, variable, expected", [
    ("PONG\n", "", "cache_auth_tokens", (True, None, "main: PONG (redis-cli)")),
    # What redis-cli 7.0 prints for a wrong REDISCLI_AUTH: NOAUTH on stdout, the refusal on stderr.
    ("NOAUTH Authentication required.\n", "AUTH failed: WRONGPASS invalid username-password pair or user is "
                                          "disabled.\n", "cache_auth_tokens",
     (False, "auth", "main: redis-cli got no PONG (auth): a token was sent and the server refused it (WRONGPASS "
                     "invalid username-password pair or user is disabled.). Check the AUTH token (and user): "
                     "cache_auth_tokens.main must be a token the replication group accepts.")),
    ("NOAUTH Authentication required.\n", "", "cache_auth_tokens_next",
     (False, "noauth", "main: redis-cli got no PONG (noauth): no token was sent and the server requires one (NOAUTH "
                       "Authentication required.). Pass the AUTH token: set cache_auth_tokens_next.main.")),
    ("NOPERM this user has no permissions to run the 'ping' command\n", "", "cache_auth_tokens",
     (False, "noperm", "main: redis-cli got no PONG (noperm): the user has no permission to run PING (NOPERM this "
                       "user has no permissions to run the 'ping' command). Check the user's access string in the "
                       "replication group's user group.")),
    # What redis-cli 7.0.15 printed, measured on loopback: nothing listening, a wrong CA, a plain client on a TLS port.
    ("", "Could not connect to Redis at m.example:6379: Connection refused\n", "cache_auth_tokens",
     (False, "tcp", "main: redis-cli got no PONG (tcp): the connection was refused (Could not connect to Redis at "
                    "m.example:6379: Connection refused): nothing listens there. Check the endpoint and the port.")),
    ("", "Could not connect to Redis at m.example:6379: SSL_connect failed: certificate verify failed\n",
     "cache_auth_tokens",
     (False, "tls", "main: redis-cli got no PONG (tls): the TLS handshake failed (Could not connect to Redis at "
                    "m.example:6379: SSL_connect failed: certificate verify failed). Check the CA bundle (certificate "
                    "verify failed) and that the group has in-transit encryption (REDIS_TLS).")),
    ("", "Error: Connection reset by peer\n", "cache_auth_tokens",
     (False, "tls", "main: redis-cli got no PONG (tls): the TLS handshake failed (Error: Connection reset by peer). "
                    "Check the CA bundle (certificate verify failed) and that the group has in-transit encryption "
                    "(REDIS_TLS).")),
    ("", "Could not connect to Redis at m.example:6379: Name or service not known\n", "cache_auth_tokens",
     (False, "dns", "main: redis-cli got no PONG (dns): the endpoint's name does not resolve on this host (Could not "
                    "connect to Redis at m.example:6379: Name or service not known). Map it in /etc/hosts or check "
                    "the VPC's DNS.")),
    ("", "", "cache_auth_tokens", (False, "protocol", "main: redis-cli got no PONG (protocol): unexpected answer: "
                                                      "nothing")),
])
def test_each_answer_is_named_with_what_to_check(stdout, stderr, variable, expected):
    assert cli_answer("main", stdout, stderr, variable) == expected


def test_redis_cli_stopped_by_the_timeout_is_named_with_its_seconds():
    # A TLS client on a plain port: redis-cli 7.0 waits for ever (measured), until the host's timeout stops it.
    pong, cause, message = cli_answer("main", "", "", timed_out=10)
    assert (pong, cause) == (False, "timeout")
    assert message.startswith("main: redis-cli got no PONG (timeout): no answer within 10 s (redis-cli was stopped "
                              "after 10 s). Check that the Redis security group admits this host")


def test_a_refusal_that_came_before_the_timeout_keeps_its_own_cause():
    assert cli_answer("main", "", "Could not connect to Redis at m:1: Connection refused", timed_out=10)[1] == "tcp"
