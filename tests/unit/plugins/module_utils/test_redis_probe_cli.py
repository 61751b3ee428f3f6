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
    ("", "Could not connect to Redis at m.example:6379: Connection refused\n", "cache_auth_tokens",
     (False, "protocol", "main: redis-cli got no PONG (protocol): unexpected answer: Could not connect to Redis at "
                         "m.example:6379: Connection refused")),
    ("", "", "cache_auth_tokens", (False, "protocol", "main: redis-cli got no PONG (protocol): unexpected answer: "
                                                      "nothing")),
])
def test_each_answer_is_named_with_what_to_check(stdout, stderr, variable, expected):
    assert cli_answer("main", stdout, stderr, variable) == expected
