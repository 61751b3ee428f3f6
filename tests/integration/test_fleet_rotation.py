"""playbooks/rotate_auth.yml across a fleet: 8 chroot hosts moved in batches.

cache_rollout_batch in the inventory sets the batch (4 here), -e redis_batch_size overrides it (1). A client on every
host opens a new connection every 100 ms with whatever its env file holds: no authentication failure in either
rotation, and the batches of 4 take fewer host-steps (plays x batches) than one host at a time; both times are
printed, not asserted. A batch with a host whose PONG fails stops the run there, before the next batch and before the
old token goes, naming the host and why; every worker still gets PONG.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.prober import EnvFileClient

pytestmark = pytest.mark.chroot
PLAYBOOK = os.path.join(ROOT, "playbooks", "rotate_auth.yml")
HOSTS = tuple("app%d" % n for n in range(1, 9))
TOKENS = ["Fleet-Token-000%d-abcdefgh" % n for n in range(1, 5)]
MOVE_PLAY = "PLAY [Move the hosts to the new tokens and passwords, a batch at a time]"
# An address of this test's block where nothing listens: a host whose endpoint name resolves there gets no PONG.
NOWHERE = "127.0.%s.254" % os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "0")
RUNS = {}


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("fleet"), hosts=HOSTS, overrides={
        "cache_instances": [{"name": "main", "purpose": "main"}], "cache_auth_tokens": {"main": TOKENS[0]},
        "client_workers": [{"name": "web", "queue_prefix": ""}], "cache_rollout_batch": 4}).up()
    run_ansible.playbook(os.path.join(ROOT, "playbooks", "redis.yml"), emulator_session, *bed.args())
    yield bed
    bed.down()


def _rotate(bed, old, new, *args, check=True):
    """(rc, output, seconds, failures): rotate_auth.yml from `old` to `new` while every host's client reconnects."""
    bed.write_vars(cache_auth_tokens={"main": old})
    clients = [EnvFileClient(bed, host=host, interval=0.1) for host in bed.hosts]
    for client in clients:
        client.start()
    started = time.monotonic()
    rc, output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "-e",
                                      '{"cache_auth_tokens_next": {"main": "%s"}}' % new, *args, check=check)
    seconds = time.monotonic() - started
    for client in clients:
        client.finish()
    assert all(client.counts["pong"] > 0 for client in clients), [client.counts for client in clients]
    failures = dict((c.host, c.errors[:3]) for c in clients if c.counts["auth"] or c.counts["other"])
    return rc, output, seconds, failures


def _host_steps(output):
    """Plays x batches: ansible-playbook prints a PLAY line for each batch of each play."""
    return len(re.findall(r"^PLAY \[", output, re.MULTILINE))


def _ping(bed, host):
    url = bed.env_file(host=host)["REDIS_URL"]
    name = url.rsplit("@", 1)[1].split(":")[0]
    hosts.assert_mapped(name)
    token = url.split("://default:", 1)[1].rsplit("@", 1)[0]
    answer = subprocess.run(["redis-cli", "--tls", "--cacert", bed.ca_file, "-h", name, "PING"], capture_output=True,
                            text=True, env={**os.environ, "REDISCLI_AUTH": token}, timeout=10, check=False)
    return answer.stdout.strip()


def _token_of(bed, host):
    return bed.env_file(host=host)["REDIS_URL"].split("://default:", 1)[1].rsplit("@", 1)[0]


def test_batches_of_4_rotate_8_hosts_without_an_authentication_failure_in_fewer_host_steps_than_one_by_one(bed):
    """Both rotations in one test: the comparison needs both, and under pytest-xdist a module global set by one test
    was not seen by the next (CI rehearsal)."""
    output, seconds, failures = _rotate(bed, TOKENS[0], TOKENS[1])[1:]
    assert failures == {}
    assert output.count(MOVE_PLAY) == 2  # 8 hosts, cache_rollout_batch 4
    assert all(_token_of(bed, host) == TOKENS[1] for host in HOSTS)
    assert "main: the old way is refused; only the token works" in output
    assert all(token not in output for token in TOKENS)
    RUNS[4] = (_host_steps(output), seconds)

    output, seconds, failures = _rotate(bed, TOKENS[1], TOKENS[2], "-e", "redis_batch_size=1")[1:]
    assert failures == {}
    assert output.count(MOVE_PLAY) == 8  # the extra variable overrides the inventory's 4
    assert all(_token_of(bed, host) == TOKENS[2] for host in HOSTS)
    RUNS[1] = (_host_steps(output), seconds)
    assert 4 in RUNS, "the rotation in batches of 4 did not run"
    for batch, (steps, seconds) in sorted(RUNS.items(), reverse=True):
        print("rotate_auth.yml over %d hosts, batch %d: %d host-steps (plays x batches), %.0f s"
              % (len(HOSTS), batch, steps, seconds))
    assert RUNS[4][0] < RUNS[1][0]


def test_a_batch_whose_ping_fails_stops_the_run_before_the_next_batch_and_the_old_token_going(bed):
    """app2 (first batch) resolves the endpoint to an address where nothing listens, as a host the security group
    does not admit would: the run names it and stops; the second batch keeps its token, and both tokens work."""
    name = bed.env_file(host="app2")["REDIS_URL"].rsplit("@", 1)[1].split(":")[0]
    hosts_file = os.path.join(bed.rootfs("app2"), "etc", "hosts")
    with open(hosts_file, encoding="utf-8") as handle:
        kept = handle.read()
    with open(hosts_file, "w", encoding="utf-8") as handle:
        handle.write("%s %s\n%s" % (NOWHERE, name, kept))
    bed.emulator.call("requests", method="DELETE")
    old = _token_of(bed, "app1")
    try:
        rc, output, _seconds, failures = _rotate(bed, old, TOKENS[3], check=False)
    finally:
        with open(hosts_file, "w", encoding="utf-8") as handle:
            handle.write(kept)
    assert rc != 0
    assert failures == {}
    assert output.count(MOVE_PLAY) == 1
    assert re.search(r"^fatal: \[app2\]", output, re.MULTILINE), output[-3000:]
    fatal = output[output.index("fatal: [app2]"):]
    print(fatal[:fatal.find("PLAY RECAP")])
    assert "Connection refused" in fatal  # why, as redis-cli on app2 saw it
    assert "PLAY [Make every token the only way in, where the old way still works]" not in output
    modifies = [r for r in bed.emulator.requests(mutating_only=True) if r["operation"] == "ModifyReplicationGroup"]
    assert len(modifies) == 1  # ROTATE; no SET: the old token is still accepted
    assert all(_token_of(bed, host) == old for host in HOSTS[4:])
    assert all(_ping(bed, host) == "PONG" for host in HOSTS)  # old token and new: every worker still gets in
    assert all(token not in output for token in TOKENS)
