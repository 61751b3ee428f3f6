"""The real BullMQ under the access strings of plugins/module_utils/access.py, on a real redis-server.

One redis-server on 127.0.<FUNMAGIC_ADDRESS_BLOCK>.232 (no TLS: ACLs do not depend on it), the default user off, a
user per worker with access_string({"queue"}, worker): web (prefix web), admin (prefix admin), tagged (prefix web in
cluster mode, so its keys are {web}:*), and an inspector that reads ACL LOG. Each round trip is
tests/node/bullmq_roundtrip.js (Queue.add, a Worker, QueueEvents) with the worker's own credentials.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from urllib.parse import quote

import pytest

from tests.emulator.__main__ import ROOT
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import DEFAULT_USER_OFF
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import MIGRATION_DEFAULT
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import access_string
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import queue_key_pattern
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import refused_key

BLOCK = int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2"))
ADDRESS = f"127.0.{BLOCK}.232"
ROUND_TRIP = os.path.join(ROOT, "tests", "node", "bullmq_roundtrip.js")
QUEUE = {"queue"}
WORKERS = {  # name: (worker, cluster, purposes of the instance for that worker)
    "web": ({"name": "web", "queue_prefix": "web"}, False, QUEUE),
    "admin": ({"name": "admin", "queue_prefix": "admin"}, False, QUEUE),
    "tagged": ({"name": "tagged", "queue_prefix": "web"}, True, QUEUE),
    # one instance for everything: main keys, queue and channels (the union)
    "both": ({"name": "both", "queue_prefix": "jobs", "key_patterns": ["both:*"], "channels": ["both:*"]}, False,
             {"main", "queue", "pubsub"}),
}
PASSWORDS = {"web": "Web-Pa$$word:Bull#0123456789", "admin": "Admin%Pass+word&Bull-98765",
             "tagged": "Tagged-Password-Bull-5555555", "both": "Both-Password-Bull-333333333",
             "inspector": "Inspector-Password-Bull-44444", "broad": "Broad-Password-Bull-2222222222"}


def _queue_prefix(name):
    worker, cluster = WORKERS[name][:2]
    return queue_key_pattern(worker["queue_prefix"], cluster)[:-len(":*")]


def _node_ready():
    """Skip without node or bullmq, except in CI, where the bootstrap has installed them and their absence fails."""
    node = shutil.which("node")
    answer = subprocess.run([node, ROUND_TRIP, "--versions"], capture_output=True, text=True, check=False,
                            timeout=30) if node else None
    if answer is None or answer.returncode != 0:
        reason = "node is not installed" if answer is None else answer.stderr.strip()[-500:]
        if answer is not None and answer.stdout.startswith("{"):
            reason = json.loads(answer.stdout)["error"]
        if os.environ.get("CI"):
            pytest.fail(f"the real BullMQ is needed in CI: {reason}")
        pytest.skip(f"the real BullMQ is not here: {reason}")
    return json.loads(answer.stdout)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    versions = _node_ready()
    directory = tmp_path_factory.mktemp("bullmq-acl")
    users = [f"user default {DEFAULT_USER_OFF}",
             f"user inspector on >{PASSWORDS['inspector']} ~* &* -@all +acl|log +ping",
             f"user broad >{PASSWORDS['broad']} {MIGRATION_DEFAULT}"]
    for name, (worker, cluster, purposes) in WORKERS.items():
        users.append(f"user {name} >{PASSWORDS[name]} {access_string(purposes, worker, cluster=cluster)}")
    config = directory / "redis.conf"
    config.write_text("\n".join([f"bind {ADDRESS}", "port 6379", "save ''", "appendonly no", f"dir {directory}",
                                 "maxmemory-policy noeviction", *users]) + "\n", encoding="utf-8")
    config.chmod(0o600)
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        ["redis-server", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 10
    while _cli("inspector", "PING") != "PONG":
        if process.poll() is not None or time.monotonic() > end:
            process.kill()
            errors = process.communicate()[1][-2000:]
            for password in PASSWORDS.values():
                errors = errors.replace(password, "********")
            pytest.fail(f"redis-server did not start: {errors}")
        time.sleep(0.05)
    yield versions
    process.terminate()
    process.wait(timeout=10)


def _cli(user, *command):
    env = {name: value for name, value in os.environ.items() if name != "REDISCLI_AUTH"}
    if user:
        env["REDISCLI_AUTH"] = PASSWORDS[user]
    argv = ["redis-cli", "-h", ADDRESS, "-p", "6379", *(["--user", user] if user else []), *command]
    answer = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=10)
    return (answer.stdout + answer.stderr).strip()


def _round_trip(user, prefix, queue="jobs"):
    url = f"redis://{quote(user, safe='')}:{quote(PASSWORDS[user], safe='')}@{ADDRESS}:6379" if user \
        else f"redis://{ADDRESS}:6379"
    env = dict(os.environ, BULLMQ_ROUNDTRIP_TIMEOUT_MS="5000")
    answer = subprocess.run(["node", ROUND_TRIP, url, prefix, queue], capture_output=True, text=True, env=env,
                            check=False, timeout=60)
    assert answer.stdout.count("\n") == 1, answer.stdout + answer.stderr
    assert PASSWORDS.get(user, "-") not in answer.stdout + answer.stderr
    return answer.returncode, json.loads(answer.stdout)


def _refusals(user):
    entries = _cli("inspector", "ACL", "LOG").splitlines()
    return [entries[index + 1] for index, line in enumerate(entries[:-1])
            if line == "username" and entries[index + 1] == user]


@pytest.mark.parametrize("user", sorted(WORKERS))
def test_a_real_bullmq_round_trip_passes_under_each_workers_own_user(server, user):
    assert _cli("inspector", "ACL", "LOG", "RESET") == "OK"
    code, result = _round_trip(user, _queue_prefix(user))
    assert (code, result["ok"], result["error"]) == (0, True, None), result
    assert result["returned"]["echoed"]
    assert _refusals(user) == [], f"BullMQ {server['bullmq']} sent something {user}'s access string refuses"


@pytest.mark.parametrize("user, other", [("web", "admin"), ("admin", "web"), ("tagged", "admin"), ("both", "web")])
def test_a_worker_is_refused_on_another_workers_queue(server, user, other):
    code, result = _round_trip(user, _queue_prefix(other))
    assert code == 1 and result["ok"] is False
    assert result["error"].startswith("NOPERM"), result
    key = refused_key([_queue_prefix(user) + ":*"], [_queue_prefix(other) + ":*"])
    assert _cli(user, "HGETALL", key).startswith("NOPERM")
    assert _cli(user, "EVAL", "return redis.call('GET', KEYS[1])", "1", key).startswith("NOPERM")


def test_the_refusals_come_from_the_access_strings_not_from_the_bed(server):
    """The control: the migration's default access string reaches every prefix with the same round trip."""
    for user in ("web", "admin"):
        code, result = _round_trip("broad", _queue_prefix(user))
        assert (code, result["ok"]) == (0, True), result


def test_the_tagged_prefix_keeps_its_keys_apart_from_the_plain_one(server):
    """{web}:* and web:* are different keys: the tagged worker's user is refused on the plain web queue."""
    code, result = _round_trip("tagged", "web")
    assert code == 1 and result["error"].startswith("NOPERM"), result
    assert _cli("web", "GET", "{web}:jobs:id").startswith("NOPERM")


def test_the_default_user_is_refused_everything(server):
    assert _cli(None, "PING").startswith("NOAUTH")
    assert _cli(None, "AUTH", "default", "anything").startswith("WRONGPASS")
    code, result = _round_trip(None, "")
    assert code == 1 and result["ok"] is False
    assert "NOAUTH" in result["error"] or "NOPERM" in result["error"], result


def test_a_queue_user_cannot_flush_list_keys_or_reach_other_users(server):
    for command in (["FLUSHALL"], ["KEYS", "*"], ["CONFIG", "GET", "maxmemory"], ["CLIENT", "LIST"],
                    ["ACL", "LIST"], ["SCAN", "0"], ["SUBSCRIBE", "admin:events"]):
        assert _cli("web", *command).startswith("NOPERM"), command
    assert _cli("web", "PING") == "PONG"


def test_a_worker_whose_main_queue_and_pubsub_share_an_instance_gets_the_union_and_nothing_more(server):
    assert _cli("both", "SET", "both:session", "1") == "OK"
    assert _cli("both", "GET", "both:session") == "1"
    assert _cli("both", "PUBLISH", "both:news", "hi") == "0"
    for command in (["SET", "web:session", "1"], ["GET", "jobs-other:x"], ["PUBLISH", "admin:news", "hi"],
                    ["FLUSHDB"], ["KEYS", "*"], ["SCRIPT", "FLUSH"], ["FUNCTION", "FLUSH"], ["PUBSUB", "CHANNELS"]):
        assert _cli("both", *command).startswith("NOPERM"), command
