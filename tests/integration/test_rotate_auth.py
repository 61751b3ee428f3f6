"""playbooks/rotate_auth.yml: a token rotation that no client notices.

A client keeps opening new connections with whatever REDIS_URL the host's env file holds at that moment, as
restarted workers would, during the whole rotation. It must see no authentication failure. At the end the old
token is refused, every env file holds the new one, no file on any host holds the old one (the env files' backups
did), and a run killed in the middle completes when rerun. On the same bed: verify.yml names a refused or missing
token as such, and the client role keeps only the newest client_env_backups backups of an env file.
"""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import time
import urllib.parse

import pytest

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT, environment
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.prober import EnvFileClient

pytestmark = pytest.mark.chroot
OLD, NEW, NEWER = "Rotate-Old-Token-0001", "Rotate-New-Token-0002", "Rotate-Newer-Token-0003"
WRONG = "Rotate-Wrong-Token-0004"
PLAYBOOKS = os.path.join(ROOT, "playbooks")


def Client(bed):  # pylint: disable=invalid-name
    """PING through a new connection every 50 ms with the env file's REDIS_URL."""
    return EnvFileClient(bed, interval=0.05)


def _cli(bed, token, *command):
    url = bed.env_file()["REDIS_URL"]
    host = url.rsplit("@", 1)[1].split(":")[0]
    hosts.assert_mapped(host)
    answer = subprocess.run(["redis-cli", "--tls", "--cacert", bed.ca_file, "-h", host, *command], capture_output=True,
                            text=True, env={**os.environ, "REDISCLI_AUTH": token}, timeout=10, check=False)
    return answer.stdout.strip()


def _ping(bed, token):
    return _cli(bed, token, "PING")


def _files_holding(bed, token):
    """Every file in the env file directory of every host that holds `token` (as is, or percent-encoded)."""
    found = []
    for host in bed.hosts:
        directory = os.path.join(bed.rootfs(host), "etc", "funmagic")
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            if token in text or urllib.parse.quote(token, safe="") in text:
                found.append("%s:%s" % (host, name))
    return found


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("rotate"), overrides={
        "cache_instances": [{"name": "main", "purpose": "main"}], "cache_auth_tokens": {"main": OLD},
        "client_workers": [{"name": "web", "queue_prefix": ""}]}).up()
    run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), emulator_session, *bed.args())
    yield bed
    bed.down()


def _rotate(bed, token, check=True):
    return run_ansible.playbook(os.path.join(PLAYBOOKS, "rotate_auth.yml"), bed.emulator, *bed.args(), "-e",
                                '{"cache_auth_tokens_next": {"main": "%s"}}' % token, check=check)


def test_a_rotation_is_not_noticed_and_ends_with_only_the_new_token(bed):
    assert _ping(bed, OLD) == "PONG"
    client = Client(bed)
    client.start()
    output = _rotate(bed, NEW)[1]
    client.stop.set()
    client.join(10)
    assert client.counts["auth"] == 0, client.errors[:3]
    assert client.counts["other"] == 0, client.errors[:3]
    assert client.counts["pong"] > 20
    assert bed.env_file()["REDIS_URL"].startswith("rediss://default:%s@" % NEW)
    assert _ping(bed, NEW) == "PONG" and _ping(bed, OLD) != "PONG"
    assert "main: the old way is refused; only the token works" in output
    assert OLD not in output and NEW not in output
    assert _files_holding(bed, NEW) == ["app1:web.env"]
    assert _files_holding(bed, OLD) == []  # the env file's backup held it until the rotation was finished


def test_a_rotation_killed_after_rotate_completes_when_rerun(bed):
    bed.write_vars(cache_auth_tokens={"main": NEW})  # the first rotation is done: its token moves to the map
    assert _ping(bed, NEW) == "PONG"
    client = Client(bed)
    client.start()
    bed.emulator.call("requests", method="DELETE")
    argv = [os.path.join(run_ansible.BIN, "ansible-playbook"), os.path.join(PLAYBOOKS, "rotate_auth.yml"), *bed.args(),
            "-e", "aws_endpoint_url=%s" % bed.emulator.endpoint,
            "-e", '{"cache_auth_tokens_next": {"main": "%s"}}' % NEWER]
    env = {**os.environ, **environment(bed.emulator.endpoint), "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
           "PATH": run_ansible.BIN + os.pathsep + os.environ.get("PATH", "")}
    run = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        if any(r["operation"] == "ModifyReplicationGroup" for r in bed.emulator.requests(mutating_only=True)):
            break
        time.sleep(0.2)
    assert run.poll() is None, "the run ended before it rotated"
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(30)
    assert _ping(bed, NEW) == "PONG" and bed.env_file()["REDIS_URL"].startswith("rediss://default:%s@" % NEW)
    _rotate(bed, NEWER)
    client.stop.set()
    client.join(10)
    assert client.counts["auth"] == 0, client.errors[:3]
    assert bed.env_file()["REDIS_URL"].startswith("rediss://default:%s@" % NEWER)
    assert _ping(bed, NEWER) == "PONG" and _ping(bed, NEW) != "PONG"
    assert _files_holding(bed, NEW) == []


def test_other_playbooks_refuse_to_run_while_a_rotation_is_pending(bed):
    rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args(), "-e",
                                      '{"cache_auth_tokens": {"main": "%s"}, "cache_auth_tokens_next": {"main": "%s"}}'
                                      % (NEWER, NEW), check=False)
    assert rc != 0 and "cache_auth_tokens_next.main: a token rotation is pending" in output
    assert NEW not in output and NEWER not in output


def _verify(bed, tokens):
    return run_ansible.playbook(os.path.join(PLAYBOOKS, "verify.yml"), bed.emulator, *bed.args(), "-e",
                                '{"cache_auth_tokens": %s}' % json.dumps(tokens), check=False)


def test_verify_names_a_refused_token_and_what_to_check(bed):
    rc, output = _verify(bed, {"main": WRONG})
    assert rc != 0
    assert "main: redis-cli got no PONG (auth): a token was sent and the server refused it (WRONGPASS" in output
    assert "Check the AUTH token (and user): cache_auth_tokens.main must be a token the replication group " \
        "accepts." in " ".join(output.split())
    assert WRONG not in output and NEWER not in output


def test_verify_names_a_missing_token_and_what_to_check(bed):
    rc, output = _verify(bed, {})
    assert rc != 0
    assert "main: redis-cli got no PONG (noauth): no token was sent and the server requires one (NOAUTH " \
        "Authentication required.). Pass the AUTH token: set cache_auth_tokens.main." in " ".join(output.split())
    assert NEWER not in output


def test_verify_names_a_user_without_permission_and_what_to_check(bed):
    assert _cli(bed, NEWER, "ACL", "SETUSER", "default", "-ping") == "OK"
    try:
        rc, output = _verify(bed, {"main": NEWER})
    finally:
        assert _cli(bed, NEWER, "ACL", "SETUSER", "default", "+ping") == "OK"
    assert rc != 0
    assert "main: redis-cli got no PONG (noperm): the user has no permission to run PING (NOPERM this user has no " \
        "permissions to run the 'ping' command). Check the user's access string" in " ".join(output.split())
    assert NEWER not in output


def test_the_client_role_keeps_only_the_newest_backups_of_an_env_file(bed):
    """Three writes with client_env_backups 2: the backups of the two versions before the last one remain."""
    bed.write_vars(cache_auth_tokens={"main": NEWER})  # the second rotation is done
    for prefix in ("one", "two", "three"):
        run_ansible.playbook(os.path.join(PLAYBOOKS, "configure_hosts.yml"), bed.emulator, *bed.args(),
                             "--tags", "configure", "-e", json.dumps({"client_env_backups": 2, "client_workers": [
                                 {"name": "web", "queue_prefix": prefix}]}))
    assert bed.env_file()["QUEUE_PREFIX"] == "three"
    backups = glob.glob(os.path.join(bed.rootfs(), "etc", "funmagic", "web.env.*~"))
    prefixes = []
    for path in backups:
        with open(path, encoding="utf-8") as handle:
            prefixes.extend(line.split("=", 1)[1] for line in handle.read().splitlines()
                            if line.startswith("QUEUE_PREFIX="))
    assert sorted(prefixes) == ["one", "two"], backups
