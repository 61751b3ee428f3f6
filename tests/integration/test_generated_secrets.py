"""generated_secrets and the cache_secrets lookup against the emulator, through ansible-playbook at -vvv.

The target (targets/generated_secrets) runs each change four times and writes what the lookup returned to files
(no_log); this test compares those values, reads the stages back with ListSecretVersionIds, and looks for every value
in the whole -vvv output.
"""

from __future__ import annotations

import json
import sys

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from tests.integration import run_ansible

PREFIX = "itest"
NAMES = [f"{PREFIX}/elasticache/main/auth-token", f"{PREFIX}/elasticache/queue/users/web"]


def _values(found):
    return [found["auth_tokens"]["main"], found["user_passwords"]["queue"]["web"]]


def _stages(client, name):
    return [v["VersionStages"] for v in client.list_secret_version_ids(SecretId=name)["Versions"]]


def test_generate_rotate_and_read_back_without_a_value_in_the_output(aws, emulator, tmp_path):
    play = tmp_path / "play.yml"
    play.write_text(json.dumps([{"name": "Target generated_secrets", "hosts": "localhost", "gather_facts": False,
                                 "roles": ["generated_secrets"]}]))
    rc, output = run_ansible.playbook(
        str(play), emulator, "-vvv", "-i", "localhost,", "-c", "local",
        "-e", f"ansible_python_interpreter={sys.executable}",
        "-e", json.dumps({"prefix": PREFIX, "out_dir": str(tmp_path)}),
        check=False, extra_env={"ANSIBLE_ROLES_PATH": str(run_ansible.ROOT) + "/tests/integration/targets"})
    assert rc == 0, output[-6000:]
    assert run_ansible.recap(output)["localhost"]["failed"] == 0

    read = dict((name, _values(json.loads((tmp_path / f"{name}.json").read_text())))
                for name in ("current-before", "current-during", "pending-during", "current-after", "pending-after"))
    before, pending, after = read.pop("current-before"), read["pending-during"], read["current-after"]
    same = dict((name, value == before) for name, value in read.items())
    # Hosts not yet moved read the old values during the rotation; after it, the pending ones are current, and with
    # none pending AWSPENDING reads the current ones.
    assert same == {"current-during": True, "pending-during": False,
                    "current-after": False, "pending-after": False}
    promoted, fallback = after == pending, read["pending-after"] == after
    renewed = [new != old for new, old in zip(pending, before)]
    # Booleans only: a failing assertion must not print a value either.
    assert (promoted, fallback, renewed) == (True, True, [True, True])
    refused = [i for i, value in enumerate(before + pending) if len(value) != 64 or validation.auth_token(value)]
    shown = [i for i, value in enumerate(before + pending) if value in output]
    assert refused == [] and shown == [], "refused by ElastiCache's rule: %s; in the output: %s" % (refused, shown)

    results = json.loads((tmp_path / "results.json").read_text())
    client = aws.client("secretsmanager")
    for index, name in enumerate(NAMES):
        stages = _stages(client, name)
        assert sum("AWSCURRENT" in s for s in stages) == 1 and not any("AWSPENDING" in s for s in stages)
        current = [v["VersionId"] for v in client.list_secret_version_ids(SecretId=name)["Versions"]
                   if "AWSCURRENT" in v["VersionStages"]]
        assert current == [results["pending"][index]["version_ids"]["AWSPENDING"]]
        assert results["promote"][index]["actions"] == ["promoted"]
        assert client.describe_secret(SecretId=name).get("DeletedDate")  # the target's cleanup
    mutating = [e["operation"] for e in emulator.requests(mutating_only=True) if e["service"] == "secretsmanager"]
    assert "UpdateSecretVersionStage" in mutating and "DeleteSecret" in mutating  # the log sees Secrets Manager
