"""cache_secrets: secretsmanager through the playbooks: no token or password in the inventory, every one generated
into Secrets Manager (tagged, under the environment's KMS key), read back for the env files and checks, and rotated
with AWSPENDING and AWSCURRENT while a client reconnects every 100 ms.

One bed: main with an AUTH token, queue with access rbac, web and admin workers on app1, cache_kms_key create. The
converge runs at -vvv and no generated value may appear in its output; rotate_auth.yml leaves each secret with exactly
one AWSCURRENT (a new value) and no AWSPENDING, the env files on the new values, the old token refused; then a rerun
of redis.yml changes nothing and --check makes no mutating call.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

import pytest
import redis
import yaml

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.prober import EnvFileClient

pytestmark = pytest.mark.chroot
PLAYBOOKS = os.path.join(ROOT, "playbooks")
NAMES = {"funmagic/elasticache/main/auth-token", "funmagic/elasticache/queue/users/web",
         "funmagic/elasticache/queue/users/admin"}


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("secrets"), overrides={
        "cache_secrets": "secretsmanager", "cache_kms_key": "create", "cache_tags": {"Environment": "local"},
        "cache_instances": [{"name": "main", "purpose": "main"},
                            {"name": "queue", "purpose": "queue", "access": "rbac"}],
        "client_workers": [{"name": "web", "queue_prefix": "web"}, {"name": "admin", "queue_prefix": "admin"}],
        "cache_log_delivery": {}})
    bed.group_vars.pop("cache_auth_tokens")
    bed.up()
    bed.first_output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), emulator_session, *bed.args(),
                                            "-vvv")[1]
    yield bed
    bed.down()


def _client(emulator):
    import boto3  # pylint: disable=import-outside-toplevel
    return boto3.client("secretsmanager", region_name="us-east-1", endpoint_url=emulator.endpoint)


def _values(emulator, stage="AWSCURRENT"):
    client = _client(emulator)
    return dict((name, client.get_secret_value(SecretId=name, VersionStage=stage)["SecretString"]) for name in NAMES)


def _url(bed, worker, variable):
    parts = urlsplit(bed.env_file(worker)[variable])
    hosts.assert_mapped(parts.hostname)
    return parts


def test_the_inventory_holds_no_secret_and_each_one_is_generated_tagged_and_encrypted(bed):
    with open(os.path.join(bed.inventory, "group_vars", "all.yml"), encoding="utf-8") as handle:
        inventory = yaml.safe_load(handle)
    assert not set(inventory) & {"cache_auth_tokens", "cache_auth_tokens_next", "cache_user_passwords",
                                 "cache_user_passwords_next"}
    client = _client(bed.emulator)
    assert {s["Name"] for s in client.list_secrets()["SecretList"]} == NAMES
    for name in NAMES:
        secret = client.describe_secret(SecretId=name)
        assert {"Key": "Environment", "Value": "local"} in secret.get("Tags", []), secret
        assert "funmagic-elasticache" in secret.get("KmsKeyId", ""), secret
    values = _values(bed.emulator)
    assert all(len(value) == 64 for value in values.values())
    for value in values.values():
        assert value not in bed.first_output


def test_the_env_files_carry_the_generated_values_and_pong_came_back(bed):
    values = _values(bed.emulator)
    for worker in ("web", "admin"):
        queue = _url(bed, worker, "REDIS_QUEUE_URL")
        assert (unquote(queue.username), unquote(queue.password)) == (
            worker, values["funmagic/elasticache/queue/users/%s" % worker])
        assert unquote(_url(bed, worker, "REDIS_URL").password) == values["funmagic/elasticache/main/auth-token"]
    assert "queue as web: PONG" in bed.first_output and "queue as admin: PONG" in bed.first_output


def test_a_rotation_stages_then_promotes_every_value_without_a_refused_client(bed):
    before = _values(bed.emulator)
    probers = [EnvFileClient(bed, "web", "REDIS_QUEUE_URL"), EnvFileClient(bed, "admin", "REDIS_URL")]
    for prober in probers:
        prober.start()
    output = run_ansible.playbook(os.path.join(PLAYBOOKS, "rotate_auth.yml"), bed.emulator, *bed.args(), "-vvv")[1]
    for prober in probers:
        counts = prober.finish()
        assert counts["auth"] == 0 and counts["other"] == 0, prober.errors[:3]
        assert counts["pong"] > 10
    after = _values(bed.emulator)
    client = _client(bed.emulator)
    for name in NAMES:
        stages = [s for v in client.list_secret_version_ids(SecretId=name)["Versions"] for s in v["VersionStages"]]
        assert stages.count("AWSCURRENT") == 1 and "AWSPENDING" not in stages, (name, stages)
        assert after[name] != before[name], name
    for value in list(before.values()) + list(after.values()):
        assert value not in output
    assert unquote(_url(bed, "web", "REDIS_QUEUE_URL").password) == after["funmagic/elasticache/queue/users/web"]
    main = _url(bed, "web", "REDIS_URL")
    assert unquote(main.password) == after["funmagic/elasticache/main/auth-token"]
    old = redis.Redis(host=main.hostname, port=main.port, ssl=True, ssl_ca_certs=bed.ca_file,
                      password=before["funmagic/elasticache/main/auth-token"], socket_timeout=5)
    with pytest.raises(redis.AuthenticationError):
        old.ping()
    old.close()


def test_after_the_rotation_a_rerun_changes_nothing_and_check_mode_makes_no_mutating_call(bed):
    run_ansible.assert_rerun_changes_nothing_and_check_is_quiet(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator,
                                                                *bed.args())
