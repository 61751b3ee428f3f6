"""The compliance_report action as the compliance role calls it: its arguments checked by the stub's spec, its result
exactly as RETURN documents it, bad exceptions refused before anything is scored."""

from unittest.mock import MagicMock

import pytest
import yaml

from ansible.errors import AnsibleActionFail

from ansible_collections.funmagic.elasticache.plugins.action.compliance_report import ActionModule
from ansible_collections.funmagic.elasticache.plugins.modules import compliance_report as stub

SPEC = {"name": "main", "replication_group_id": "app-main", "replicas": 1, "engine": "redis",
        "engine_version": "7.1", "access": "token", "snapshot_retention_limit": 1, "at_rest_encryption": True,
        "transit_encryption": True}
GROUP = {"replication_group_id": "app-main", "engine": "redis", "engine_version": "7.1.0",
         "member_clusters": ["app-main-001"], "automatic_failover": "enabled", "snapshot_retention_limit": 0,
         "at_rest_encryption_enabled": True, "transit_encryption_enabled": True, "auth_token_enabled": True,
         "user_group_ids": [], "auto_minor_version_upgrade": True, "subnet_group": "app-redis-subnet"}


def run(**args):
    task = MagicMock(args=dict({"replication_groups": [GROUP], "instances": [SPEC], "kms_key": {"mode": "none"}},
                               **args), async_val=0, check_mode=False, action="funmagic.elasticache.compliance_report")
    action = ActionModule(task, MagicMock(), MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    return action.run(task_vars={})


def test_the_result_has_exactly_the_keys_return_documents():
    result = run(fail_on_failure=False)
    documented = set(yaml.safe_load(stub.RETURN))
    assert documented == set(result) - {"changed", "failed", "invocation"}
    row_keys = set(yaml.safe_load(stub.RETURN)["rows"]["contains"])
    assert all(set(row) == row_keys for row in result["rows"])
    assert not result.get("failed") and result["passed"] is False


def test_a_failing_control_fails_the_task_with_the_field_to_change():
    result = run(accepted_exceptions=[{"control": "CKV_AWS_191", "reason": "cache data only"}])
    assert result["failed"] is True
    assert [(r["control"], r["field"]) for r in result["failed_controls"]] == [
        ("ElastiCache.1", "cache_instances[0] (main).snapshot_retention_limit: 1 or more"),
        ("elasticache-rbac-auth-enabled", "cache_instances[0] (main).access: rbac")]
    assert [r["control"] for r in result["accepted"]] == ["CKV_AWS_191"]
    assert "Accepted exceptions (compliance_accepted_exceptions):" in result["report"]
    assert result["msg"].startswith("Compliance: 2 failing control(s), 1 accepted exception(s)")


@pytest.mark.parametrize("args, expected", [
    ({"accepted_exceptions": [{"control": "ElastiCache.9", "reason": "x"}]},
     "compliance_accepted_exceptions[0].control: 'ElastiCache.9' is not a control"),
    ({"accepted_exceptions": [{"control": "CKV_AWS_191", "instance": "queue", "reason": "x"}]},
     "compliance_accepted_exceptions[0].instance: 'queue' is not an instance of cache_instances (main)"),
    ({"min_snapshot_retention": 36}, "min_snapshot_retention: Security Hub takes 1 to 35 days, got 36"),
    ({"instances": "main"}, "instances"),
])
def test_bad_arguments_are_refused_before_anything_is_scored(args, expected):
    with pytest.raises(AnsibleActionFail) as caught:
        run(**args)
    assert expected in str(caught.value)
