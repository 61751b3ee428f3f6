"""TLS turned on without downtime by playbooks/redis.yml: a group made without in-transit encryption goes to
TransitEncryptionMode preferred, the hosts move to rediss:// one batch at a time with PONG over TLS on each, then the
group requires TLS. Clients on every host reconnect every 100 ms with whatever URL their env file holds: none is
refused. A rerun changes nothing; a move left in preferred is finished by a rerun; --check calls nothing that changes.
"""

from __future__ import annotations

import os
import threading
import time

import boto3
import pytest
import redis

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")
PLAIN = {"transit_encryption": False, "tags": {"Environment": "local"}}
TLS = {"transit_encryption": True, "tags": {"Environment": "local"}}


class Client(threading.Thread):
    """A worker restarted every 100 ms: a new connection with the env file's REDIS_URL, PING; the longest time
    between two PONGs and every failure kept."""

    def __init__(self, bed, host):
        super().__init__(daemon=True)
        self.bed, self.host = bed, host
        self.stop, self.pongs, self.failures, self.schemes = threading.Event(), 0, [], set()
        self.longest_gap, self._last = 0.0, None

    def run(self):
        while not self.stop.is_set():
            url = self.bed.env_file(host=self.host)["REDIS_URL"]
            hosts.assert_mapped(url.rsplit("@", 1)[-1].split("://")[-1].split(":")[0])
            options = {"ssl_ca_certs": self.bed.ca_file} if url.startswith("rediss://") else {}
            try:
                client = redis.Redis.from_url(url, socket_timeout=3, **options)
                client.ping()
                client.close()
                now = time.monotonic()
                if self._last is not None:
                    self.longest_gap = max(self.longest_gap, now - self._last)
                self._last, self.pongs = now, self.pongs + 1
                self.schemes.add(url.split("://")[0])
            except redis.RedisError as error:
                self.failures.append("%s: %s" % (url.split("://")[0], error))
            time.sleep(0.1)

    def finish(self):
        self.stop.set()
        self.join(10)
        return self


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("tls"), hosts=("app1", "app2"), overrides={
        "cache_instances": [{"name": "main", "purpose": "main"}], "cache_auth_tokens": {}, "cache_defaults": PLAIN,
        "client_workers": [{"name": "web", "queue_prefix": ""}]}).up()
    run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args())
    yield bed
    bed.down()


def _elasticache(bed):
    return boto3.client("elasticache", region_name="us-east-1", endpoint_url=bed.emulator.endpoint)


def _mode(bed):
    group = _elasticache(bed).describe_replication_groups(ReplicationGroupId="funmagic-main")["ReplicationGroups"][0]
    return group.get("TransitEncryptionMode") if group["TransitEncryptionEnabled"] else None


def test_check_mode_shows_the_move_and_changes_nothing(bed):
    assert _mode(bed) is None and bed.env_file(host="app1")["REDIS_URL"].startswith("redis://")
    bed.write_vars(cache_defaults=TLS)
    bed.emulator.call("requests", method="DELETE")
    output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "--check")[1]
    assert bed.emulator.requests(mutating_only=True) == []
    assert "Set TransitEncryptionMode required where every host proved PONG over TLS" in output
    assert _mode(bed) is None


def test_tls_is_turned_on_batch_by_batch_without_a_refused_client(bed):
    bed.write_vars(cache_defaults=TLS)
    bed.emulator.call("requests", method="DELETE")
    clients = [Client(bed, host) for host in bed.hosts]
    for client in clients:
        client.start()
    started = time.monotonic()
    output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args())[1]
    seconds = time.monotonic() - started
    for client in clients:
        client.finish()
    for client in clients:
        print("%s: %d PONGs, longest gap between two %.2f s, %s, redis.yml %.0f s"
              % (client.host, client.pongs, client.longest_gap, sorted(client.schemes), seconds))
        assert client.failures == [], client.failures[:3]
        assert client.schemes == {"redis", "rediss"}  # it was on plain, then on TLS, during the run
    for host in bed.hosts:
        env = bed.env_file(host=host)
        assert env["REDIS_URL"].startswith("rediss://") and env["REDIS_TLS"] == "true"
    assert _mode(bed) == "required"
    modes = [r["params"].get("TransitEncryptionMode") for r in bed.emulator.requests(mutating_only=True)
             if r["operation"] == "ModifyReplicationGroup"]
    assert modes == ["preferred", "required"]
    # One batch per host (by default one host, then 25% of 2 hosts: 1), each with PONG over TLS, before required.
    assert output.count("TASK [funmagic.elasticache.client : Publish which moving groups this host reaches over TLS]") \
        == len(bed.hosts)


def test_a_rerun_changes_nothing(bed):
    bed.emulator.call("requests", method="DELETE")
    output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args())[1]
    assert all(counts["changed"] == 0 for counts in run_ansible.recap(output).values()), run_ansible.recap(output)
    assert bed.emulator.requests(mutating_only=True) == []


def test_a_move_left_in_preferred_is_finished_by_a_rerun_in_one_batch_of_two(bed):
    _elasticache(bed).modify_replication_group(ReplicationGroupId="funmagic-main", TransitEncryptionMode="preferred",
                                               ApplyImmediately=True)
    deadline = time.monotonic() + 60
    while _mode(bed) != "preferred" or _elasticache(bed).describe_replication_groups(
            ReplicationGroupId="funmagic-main")["ReplicationGroups"][0]["Status"] != "available":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "-e", "redis_batch_size=2")[1]
    assert output.count("PLAY [Move the application hosts to TLS, batch by batch]") == 1
    assert output.count("TASK [funmagic.elasticache.client : Publish which moving groups this host reaches over TLS]") \
        == 1
    assert _mode(bed) == "required"
