"""Nothing is lost: destroy.yml keeps a final snapshot with the data, and an instance can be restored from it."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
TOKEN = "Restore-Token-0123456789"
PLAYBOOKS = os.path.join(ROOT, "playbooks")


def _cli(bed, *command):
    url = bed.env_file()["REDIS_URL"]
    host = url.rsplit("@", 1)[1].split(":")[0]
    hosts.assert_mapped(host)
    return subprocess.run(["redis-cli", "--tls", "--cacert", bed.ca_file, "-h", host, *command], capture_output=True,
                          text=True, env={**os.environ, "REDISCLI_AUTH": TOKEN}, timeout=10, check=True).stdout.strip()


@pytest.fixture(scope="module")
def restored(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1, delete_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("restore"), overrides={
        "cache_instances": [{"name": "main", "purpose": "main"}], "cache_auth_tokens": {"main": TOKEN},
        "client_workers": [{"name": "web", "queue_prefix": ""}]}).up()
    run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), emulator_session, *bed.args())
    assert _cli(bed, "SET", "orders:7", "paid") == "OK"
    destroy = run_ansible.playbook(os.path.join(PLAYBOOKS, "destroy.yml"), emulator_session, *bed.args(),
                                   "-e", "destroy_confirm=funmagic")[1]
    import boto3  # pylint: disable=import-outside-toplevel

    elasticache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=emulator_session.endpoint)
    snapshots = [s["SnapshotName"] for s in elasticache.describe_snapshots()["Snapshots"]
                 if s["SnapshotName"].startswith("funmagic-main-final-")]
    bed.write_vars(cache_instances=[{"name": "main", "purpose": "main", "restore_from_snapshot": snapshots[0]}])
    restore = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), emulator_session, *bed.args())[1]
    yield {"bed": bed, "snapshots": snapshots, "destroy": destroy, "restore": restore, "elasticache": elasticache}
    bed.down()


def test_destroy_kept_one_final_snapshot(restored):
    assert len(restored["snapshots"]) == 1


def test_the_key_written_before_destroy_is_there_after_restore(restored):
    assert _cli(restored["bed"], "GET", "orders:7") == "paid"


def test_restore_gets_pong_from_the_host(restored):
    assert "main: PONG (redis-cli)" in restored["restore"]
    assert TOKEN not in restored["restore"] and TOKEN not in restored["destroy"]
