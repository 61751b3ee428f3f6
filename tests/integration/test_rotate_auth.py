"""playbooks/rotate_auth.yml: a token rotation that no client notices.

A client keeps opening new connections with whatever REDIS_URL the host's env file holds at that moment, as
restarted workers would, during the whole rotation. It must see no authentication failure. At the end the old
token is refused, every env file holds the new one, and a run killed in the middle completes when rerun.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
import redis

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT, environment
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
OLD, NEW, NEWER = "Rotate-Old-Token-0001", "Rotate-New-Token-0002", "Rotate-Newer-Token-0003"
PLAYBOOKS = os.path.join(ROOT, "playbooks")


class Client(threading.Thread):
    """PING through a new connection every 50 ms with the env file's URL; counts answers by kind."""

    def __init__(self, bed):
        super().__init__(daemon=True)
        self.bed, self.stop, self.counts, self.errors = bed, threading.Event(), {"pong": 0, "auth": 0, "other": 0}, []

    def run(self):
        while not self.stop.is_set():
            url = self.bed.env_file()["REDIS_URL"]
            hosts.assert_mapped(url.rsplit("@", 1)[1].split(":")[0])
            try:
                client = redis.Redis.from_url(url, ssl_ca_certs=self.bed.ca_file, socket_timeout=2)
                kind = "pong" if client.ping() else "other"
                client.close()
            except redis.AuthenticationError as e:
                kind = "auth"
                self.errors.append(str(e))
            except redis.RedisError as e:
                kind = "other"
                self.errors.append(str(e))
            self.counts[kind] += 1
            time.sleep(0.05)


def _ping(bed, token):
    url = bed.env_file()["REDIS_URL"]
    host = url.rsplit("@", 1)[1].split(":")[0]
    answer = subprocess.run(["redis-cli", "--tls", "--cacert", bed.ca_file, "-h", host, "PING"], capture_output=True,
                            text=True, env={**os.environ, "REDISCLI_AUTH": token}, timeout=10, check=False)
    return answer.stdout.strip()


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


def test_other_playbooks_refuse_to_run_while_a_rotation_is_pending(bed):
    rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args(), "-e",
                                  '{"cache_auth_tokens": {"main": "%s"}, "cache_auth_tokens_next": {"main": "%s"}}'
                                  % (NEWER, NEW), check=False)
    assert rc != 0 and "cache_auth_tokens_next.main: a token rotation is pending" in output
    assert NEW not in output and NEWER not in output
