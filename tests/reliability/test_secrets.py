"""Secrets: the AUTH tokens appear nowhere in the output of -vvv runs with --diff, successful or failing.

ansible-core 2.19 prints a failing module's message even for a no_log task, so the failing runs matter most: a
wrong token (PING refused), an AWS error in the task that carries the token, a token refused by the preflight,
and env files rewritten with a new token. Each run is checked for every token it was given.
"""

from __future__ import annotations

import pytest

from tests.reliability.bed import TOKEN, Bed, app_host  # noqa: F401  pylint: disable=unused-import

pytestmark = pytest.mark.chroot
WRONG_TOKEN = "Wrong-But-Valid-Token-9876543210"
NEW_TOKEN = "Rotated-Env-File-Token-5555555555"
REFUSED_TOKEN = "Refused@Token-With-At-Sign-0123"


def _tokens(names, token):
    return {name: token for name in names}


@pytest.fixture(scope="module")
def runs(emulator_session, tmp_path_factory, app_host):  # pylint: disable=redefined-outer-name
    bed = Bed.make(emulator_session, tmp_path_factory, app_host, "secrets")
    names = ("main", "queue")
    outcome = {"converge": (bed.run("redis.yml", bed.variables("sx"), "-vvv", "--diff", check=False), [TOKEN])}
    outcome["wrong token"] = (bed.run("verify.yml", bed.variables("sx", cache_auth_tokens=_tokens(names, WRONG_TOKEN)),
                                      "-vvv", check=False), [TOKEN, WRONG_TOKEN])
    outcome["env files with a new token"] = (
        bed.run("configure_hosts.yml", bed.variables("sx", cache_auth_tokens=_tokens(names, NEW_TOKEN)), "-vvv",
                "--diff", check=False), [TOKEN, NEW_TOKEN])
    outcome["aws error"] = (bed.run("provision.yml", bed.variables(
        "sy", cache_allow_unknown_node_types=True, cache_defaults={"node_type": "cache.r9g.large"}), "-vvv", "--diff",
        check=False), [TOKEN])
    outcome["refused by the preflight"] = (
        bed.run("redis.yml", bed.variables("sz", cache_auth_tokens={"main": REFUSED_TOKEN}), "-vvv", check=False),
        [REFUSED_TOKEN, REFUSED_TOKEN.split("@")[1]])
    return bed, outcome


def test_each_run_ended_as_intended(runs):
    outcome = runs[1]
    assert outcome["converge"][0][0] == 0, outcome["converge"][0][1][-4000:]
    assert outcome["env files with a new token"][0][0] == 0
    rc, output = outcome["wrong token"][0]
    assert rc != 0 and "main: redis-cli got no PONG (auth): a token was sent and the server refused it (WRONGPASS" \
        in " ".join(output.split()), output[-4000:]
    rc, output = outcome["aws error"][0]
    assert rc != 0 and "InvalidParameterValue" in output and "cache.r9g.large" in output, output[-4000:]
    rc, output = outcome["refused by the preflight"][0]
    assert rc != 0 and "cache_auth_tokens.main: is not valid" in output, output[-4000:]


@pytest.mark.parametrize("run", ["converge", "wrong token", "env files with a new token", "aws error",
                                 "refused by the preflight"])
def test_no_token_in_the_output_at_vvv(runs, run):
    (_rc, output), tokens = runs[1][run]
    for token in tokens:
        assert token not in output, f"a token appears in the output of the {run!r} run"
