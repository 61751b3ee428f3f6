"""Least privilege per worker through playbooks/redis.yml: RBAC from the inventory to a real BullMQ job.

One bed: main with an AUTH token, queue with access rbac, web (prefix web) and admin (prefix admin) on app1. The
converge writes each worker's env file with its own user; the real BullMQ (tests/node/bullmq_roundtrip.js) runs a job
round trip with that URL and QUEUE_PREFIX, and is refused (NOPERM) on the other worker's prefix; the default user is
refused everything; a rerun changes nothing; --check makes no mutating call; no password in any output. Then, on the
same bed, a user password rotation (rotate_auth.yml) while a client reconnects every 100 ms with whatever the env
file holds: no authentication failure, and the previous password refused at the end.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from urllib.parse import unquote, urlsplit

import pytest
import redis

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.prober import EnvFileClient

pytestmark = pytest.mark.chroot
PLAYBOOKS = os.path.join(ROOT, "playbooks")
ROUND_TRIP = os.path.join(ROOT, "tests", "node", "bullmq_roundtrip.js")
TOKEN = "Rbac-Main-Token-0000001"
PASSWORDS = {"queue": {"web": "Rbac-Web-Password-00001", "admin": "Rbac-Admin-Password-0002"}}
NEXT = {"queue": {"web": "Rbac-Web-Password-Next-3"}}
SECRETS = [TOKEN, PASSWORDS["queue"]["web"], PASSWORDS["queue"]["admin"], NEXT["queue"]["web"]]


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("rbac"), overrides={
        "cache_instances": [{"name": "main", "purpose": "main"},
                            {"name": "queue", "purpose": "queue", "access": "rbac"}],
        "cache_auth_tokens": {"main": TOKEN}, "cache_user_passwords": PASSWORDS,
        "client_workers": [{"name": "web", "queue_prefix": "web"}, {"name": "admin", "queue_prefix": "admin"}],
        "cache_log_delivery": {}}).up()
    output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), emulator_session, *bed.args(), "-vvv")[1]
    bed.first_output = output
    yield bed
    bed.down()


def _endpoint(url):
    parts = urlsplit(url)
    hosts.assert_mapped(parts.hostname)
    return parts


def _round_trip(bed, url, prefix):
    _endpoint(url)
    env = dict(os.environ, REDIS_CA_FILE=bed.ca_file, BULLMQ_ROUNDTRIP_TIMEOUT_MS="8000")
    answer = subprocess.run(["node", ROUND_TRIP, url, prefix, "jobs"], capture_output=True, text=True, env=env,
                            check=False, timeout=90)
    for secret in SECRETS:
        assert secret not in answer.stdout + answer.stderr
    assert answer.stdout.count("\n") == 1, answer.stdout + answer.stderr[-2000:]
    return json.loads(answer.stdout)


def test_each_env_file_holds_its_workers_own_user_with_mode_0640(bed):
    for worker in ("web", "admin"):
        env = bed.env_file(worker)
        queue = _endpoint(env["REDIS_QUEUE_URL"])
        assert (queue.scheme, unquote(queue.username), unquote(queue.password)) == (
            "rediss", worker, PASSWORDS["queue"][worker])
        main = _endpoint(env["REDIS_URL"])
        assert (main.username, unquote(main.password)) == ("default", TOKEN)
        assert env["QUEUE_PREFIX"] == worker
        mode = os.stat(os.path.join(bed.rootfs(), "etc", "funmagic", "%s.env" % worker)).st_mode
        assert stat.S_IMODE(mode) == 0o640


def test_the_converge_proved_pong_and_noperm_for_each_user_without_showing_a_password(bed):
    output = bed.first_output
    assert "queue as web: PONG" in output and "queue as admin: PONG" in output
    assert "refused on admin:" in output and "refused on web:" in output
    for secret in SECRETS[:3]:
        assert secret not in output


@pytest.mark.parametrize("worker, other", [("web", "admin"), ("admin", "web")])
def test_a_real_bullmq_job_runs_under_each_workers_user_and_is_refused_on_the_others_queue(bed, worker, other):
    env = bed.env_file(worker)
    result = _round_trip(bed, env["REDIS_QUEUE_URL"], env["QUEUE_PREFIX"])
    assert (result["ok"], result["error"]) == (True, None), result
    refused = _round_trip(bed, env["REDIS_QUEUE_URL"], bed.env_file(other)["QUEUE_PREFIX"])
    assert refused["ok"] is False and refused["error"].startswith("NOPERM"), refused


def test_the_default_user_is_refused_everything(bed):
    queue = _endpoint(bed.env_file("web")["REDIS_QUEUE_URL"])
    for password in (None, TOKEN, PASSWORDS["queue"]["web"]):
        client = redis.Redis(host=queue.hostname, port=queue.port, ssl=True, ssl_ca_certs=bed.ca_file,
                             password=password, socket_timeout=5)
        with pytest.raises(redis.AuthenticationError):
            client.ping()
        client.close()


def test_a_rerun_changes_nothing_and_check_mode_makes_no_mutating_call(bed):
    run_ansible.assert_rerun_changes_nothing_and_check_is_quiet(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator,
                                                                *bed.args())


def test_verify_names_a_refused_user_password_without_showing_it(bed):
    wrong = "Rbac-Wrong-Password-0009"
    rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "verify.yml"), bed.emulator, *bed.args(), "-e",
                                      json.dumps({"cache_user_passwords": {"queue": {"web": wrong, "admin": PASSWORDS[
                                          "queue"]["admin"]}}}), check=False)
    assert rc != 0
    assert "queue as web: redis-cli got no PONG (auth)" in output and "WRONGPASS" in output
    for secret in SECRETS + [wrong]:
        assert secret not in output


def test_a_user_password_rotation_is_not_noticed_and_ends_with_only_the_new_password(bed):
    prober = EnvFileClient(bed, "web", "REDIS_QUEUE_URL")
    prober.start()
    output = run_ansible.playbook(os.path.join(PLAYBOOKS, "rotate_auth.yml"), bed.emulator, *bed.args(),
                                  "-e", json.dumps({"cache_user_passwords_next": NEXT}))[1]
    counts = prober.finish()
    assert counts["auth"] == 0 and counts["other"] == 0, prober.errors[:3]
    assert counts["pong"] > 20
    assert unquote(urlsplit(bed.env_file("web")["REDIS_QUEUE_URL"]).password) == NEXT["queue"]["web"]
    assert "funmagic-queue-web: the previous password is refused; only the new one works" in output
    for secret in SECRETS:
        assert secret not in output


MAIN_PASSWORDS = {"web": "Rbac-Main-Web-Password-4", "admin": "Rbac-Main-Admin-Passwd-5"}


def test_a_running_token_group_moves_to_rbac_without_a_refused_client_then_the_token_stops_working(bed):
    """AWS's documented migration: the user group's default user holds the token while the hosts move to their users;
    removing the token from the inventory turns the default user off."""
    passwords = {"queue": {"web": NEXT["queue"]["web"], "admin": PASSWORDS["queue"]["admin"]}, "main": MAIN_PASSWORDS}
    instances = [{"name": "main", "purpose": "main", "access": "rbac"},
                 {"name": "queue", "purpose": "queue", "access": "rbac"}]
    # The token stays, for the move; the hosts move cache_rollout_batch at a time (the inventory's, not an extra var).
    bed.write_vars(cache_instances=instances, cache_user_passwords=passwords, cache_rollout_batch=1)
    probers = [EnvFileClient(bed, worker, "REDIS_URL") for worker in ("web", "admin")]
    for prober in probers:
        prober.start()
    # The hosts move a batch at a time, each proving PONG with its new users before the next one moves.
    output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args())[1]
    assert "main as web: PONG" in output and "main as admin: PONG" in output
    # The batch proved PONG inside the configure play, before verify.yml (which alone would run the checks).
    configure = output.split("PLAY [Install redis-cli and write the env files")[1].split("PLAY [")[0]
    assert "PING every instance with redis_ping" in configure and "main as web: PONG" in configure
    assert all(urlsplit(bed.env_file(w)["REDIS_URL"]).username == w for w in ("web", "admin"))
    bed.write_vars(cache_auth_tokens={})
    output += run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args())[1]
    for prober in probers:
        counts = prober.finish()
        assert counts["auth"] == 0 and counts["other"] == 0, prober.errors[:3]
        assert counts["pong"] > 10
    main = _endpoint(bed.env_file("web")["REDIS_URL"])
    client = redis.Redis(host=main.hostname, port=main.port, ssl=True, ssl_ca_certs=bed.ca_file, password=TOKEN,
                         socket_timeout=5)
    with pytest.raises(redis.AuthenticationError):
        client.ping()
    for secret in SECRETS + list(MAIN_PASSWORDS.values()):
        assert secret not in output
    rerun = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args())[1]
    assert all(counters["changed"] == 0 for counters in run_ansible.recap(rerun).values()), rerun[-4000:]
