"""generated_secrets: one describe per secret, a call only where something differs, never a value in any output."""

from __future__ import annotations

import datetime
import json
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.funmagic.elasticache.plugins.module_utils import secrets
from ansible_collections.funmagic.elasticache.plugins.modules import generated_secrets
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

NAME = "app/elasticache/main/auth-token"
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:%s-AbCdEf" % NAME
VALUE = "Generated-Value-" + "x" * 44 + "#1aB"  # 64 characters ElastiCache accepts
KEY = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
V1, V2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
WHEN = datetime.datetime(2026, 12, 11, tzinfo=datetime.timezone.utc)


class SecretsAWS(FakeAWS):
    """FakeAWS with amazon.aws's retrying wrapper, as module.client(..., retry_decorator=...) returns it."""

    def client(self, service):
        return RetryingBotoClientWrapper(super().client(service), AWSRetry.jittered_backoff(retries=2))


def described(stages=None, tags=None, description="AUTH token of main", kms=None, deleted=False):
    answer = {"ARN": ARN, "Name": NAME, "Description": description,
              "VersionIdsToStages": {V1: ["AWSCURRENT"]} if stages is None else stages,
              "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}
    if kms:
        answer["KmsKeyId"] = kms
    if deleted:
        answer["DeletedDate"] = WHEN
    return answer


def fake(*describes, **answers):
    """AWS where DescribeSecret answers `describes` in turn (none: the secret does not exist)."""
    return SecretsAWS(dict({
        "DescribeSecret": list(describes) or ["ResourceNotFoundException"],
        "GetRandomPassword": {"RandomPassword": VALUE},
        "CreateSecret": {"ARN": ARN, "Name": NAME, "VersionId": V1},
        "PutSecretValue": {"ARN": ARN, "Name": NAME, "VersionId": V2, "VersionStages": ["AWSPENDING"]},
        "UpdateSecretVersionStage": {"ARN": ARN, "Name": NAME},
        "UpdateSecret": {"ARN": ARN, "Name": NAME},
        "TagResource": {}, "UntagResource": {}, "RestoreSecret": {"ARN": ARN, "Name": NAME},
        "DeleteSecret": {"ARN": ARN, "Name": NAME, "DeletionDate": WHEN},
    }, **answers))


def args(**extra):
    return dict({"secrets": [{"name": NAME, "description": "AUTH token of main"}]}, **extra)


def test_a_new_secret_gets_a_generated_value_its_tags_and_key_and_no_value_is_returned():
    aws = fake("ResourceNotFoundException", described(tags={"Environment": "test"}, kms=KEY))
    failed, result = aws.run(generated_secrets.main, args(tags={"Environment": "test"}, kms_key_id=KEY))
    assert not failed and result["changed"] is True
    assert aws.operations() == ["DescribeSecret", "GetRandomPassword", "CreateSecret", "DescribeSecret"]
    assert aws.params("GetRandomPassword") == [{"PasswordLength": 64, "ExcludeCharacters": secrets.EXCLUDE_CHARACTERS,
                                                "IncludeSpace": False, "RequireEachIncludedType": True}]
    [create] = aws.params("CreateSecret")
    assert create["SecretString"] == VALUE and create["KmsKeyId"] == KEY
    assert create["Description"] == "AUTH token of main"
    assert create["Tags"] == [{"Key": "Environment", "Value": "test"}] and create["ClientRequestToken"]
    assert result["secrets"] == [{"name": NAME, "arn": ARN, "version_ids": {"AWSCURRENT": V1},
                                  "tags": {"Environment": "test"}, "description": "AUTH token of main",
                                  "kms_key_id": KEY, "actions": ["created"]}]
    assert result["diff"]["before"] == {NAME: {"state": "absent"}}
    assert VALUE not in json.dumps(result, default=str)


def test_check_mode_only_describes():
    aws = fake()
    failed, result = aws.run(generated_secrets.main, args(stage="pending"), check_mode=True)
    assert not failed and result["changed"] is True
    assert aws.operations() == ["DescribeSecret"]
    assert result["secrets"][0]["actions"] == ["created"] and result["secrets"][0]["arn"] is None


def test_a_secret_as_wanted_is_not_changed():
    aws = fake(described(tags={"Environment": "test"}, kms=KEY))
    failed, result = aws.run(generated_secrets.main, args(tags={"Environment": "test"}, kms_key_id=KEY))
    assert not failed and result["changed"] is False
    assert aws.operations() == ["DescribeSecret"]
    assert result["secrets"][0]["actions"] == [] and result["diff"] == {"before": {}, "after": {}}


def test_pending_puts_a_new_value_under_awspending_only_once():
    aws = fake(described(), described({V1: ["AWSCURRENT"], V2: ["AWSPENDING"]}),
               GetRandomPassword={"RandomPassword": VALUE[:32]})
    failed, result = aws.run(generated_secrets.main, args(stage="pending", length=32))
    assert not failed and result["changed"] is True
    assert aws.params("GetRandomPassword")[0]["PasswordLength"] == 32
    [put] = aws.params("PutSecretValue")
    assert put["VersionStages"] == ["AWSPENDING"] and put["SecretString"] == VALUE[:32] and put["ClientRequestToken"]
    assert result["secrets"][0]["version_ids"] == {"AWSCURRENT": V1, "AWSPENDING": V2}
    assert result["diff"]["after"][NAME]["stages"] == ["AWSCURRENT", "AWSPENDING"]

    rerun = fake(described({V1: ["AWSCURRENT"], V2: ["AWSPENDING"]}))
    failed, result = rerun.run(generated_secrets.main, args(stage="pending"))
    assert not failed and result["changed"] is False and rerun.operations() == ["DescribeSecret"]


def test_a_secret_made_elsewhere_without_a_value_gets_a_current_one():
    aws = fake(described({}), described())
    failed, result = aws.run(generated_secrets.main, args(stage="pending"))
    assert not failed and result["secrets"][0]["actions"] == ["value_added"]
    [put] = aws.params("PutSecretValue")
    assert put["VersionStages"] == ["AWSCURRENT"] and put["SecretString"] == VALUE


def test_promote_moves_current_then_removes_the_pending_label():
    pending = described({V1: ["AWSCURRENT"], V2: ["AWSPENDING"]})
    aws = fake(pending, described({V1: ["AWSPREVIOUS"], V2: ["AWSCURRENT"]}))
    failed, result = aws.run(generated_secrets.main, args(stage="promote"))
    assert not failed and result["changed"] is True
    assert aws.params("UpdateSecretVersionStage") == [
        {"SecretId": NAME, "VersionStage": "AWSCURRENT", "MoveToVersionId": V2, "RemoveFromVersionId": V1},
        {"SecretId": NAME, "VersionStage": "AWSPENDING", "RemoveFromVersionId": V2}]
    assert result["secrets"][0]["version_ids"] == {"AWSCURRENT": V2, "AWSPREVIOUS": V1}

    check = fake(pending)
    failed, predicted = check.run(generated_secrets.main, args(stage="promote"), check_mode=True)
    assert predicted["secrets"] == result["secrets"] and check.operations() == ["DescribeSecret"]


def test_an_interrupted_promotion_is_finished_by_a_rerun():
    aws = fake(described({V1: ["AWSPREVIOUS"], V2: ["AWSCURRENT", "AWSPENDING"]}),
               described({V1: ["AWSPREVIOUS"], V2: ["AWSCURRENT"]}))
    failed, result = aws.run(generated_secrets.main, args(stage="promote"))
    assert not failed and result["changed"] is True
    assert aws.params("UpdateSecretVersionStage") == [
        {"SecretId": NAME, "VersionStage": "AWSPENDING", "RemoveFromVersionId": V2}]


@pytest.mark.parametrize("stage", ["promote", "discard"])
def test_promote_and_discard_without_a_pending_version_change_nothing(stage):
    aws = fake(described())
    failed, result = aws.run(generated_secrets.main, args(stage=stage))
    assert not failed and result["changed"] is False and aws.operations() == ["DescribeSecret"]


def test_discard_removes_the_pending_label():
    aws = fake(described({V1: ["AWSCURRENT"], V2: ["AWSPENDING"]}), described())
    failed, result = aws.run(generated_secrets.main, args(stage="discard"))
    assert not failed and result["secrets"][0]["actions"] == ["discarded"]
    assert aws.params("UpdateSecretVersionStage") == [
        {"SecretId": NAME, "VersionStage": "AWSPENDING", "RemoveFromVersionId": V2}]


def test_tags_description_and_key_change_only_what_differs():
    aws = fake(described(tags={"Environment": "test", "Old": "x", "aws:kept": "y"}, description="old"), described())
    failed, result = aws.run(generated_secrets.main, args(tags={"Environment": "prod", "Count": 3}, kms_key_id=KEY))
    assert not failed and result["secrets"][0]["actions"] == ["updated", "tagged"]
    [update] = aws.params("UpdateSecret")
    assert "SecretString" not in update  # no new version
    assert dict(update, ClientRequestToken=None) == {"SecretId": NAME, "Description": "AUTH token of main",
                                                     "KmsKeyId": KEY, "ClientRequestToken": None}
    assert aws.params("UntagResource") == [{"SecretId": NAME, "TagKeys": ["Old"]}]
    assert aws.params("TagResource") == [{"SecretId": NAME, "Tags": [{"Key": "Count", "Value": "3"},
                                                                     {"Key": "Environment", "Value": "prod"}]}]
    assert result["diff"]["after"][NAME]["tags"] == {"Environment": "prod", "Count": "3", "aws:kept": "y"}


def test_the_same_key_named_another_way_is_not_an_update():
    aws = fake(described(kms=KEY.rsplit("/", 1)[1]))
    failed, result = aws.run(generated_secrets.main, args(kms_key_id=KEY))
    assert not failed and result["changed"] is False


def test_a_secret_scheduled_for_deletion_is_restored():
    aws = fake(described(deleted=True), described())
    failed, result = aws.run(generated_secrets.main, args())
    assert not failed and result["secrets"][0]["actions"] == ["restored"]
    assert aws.params("RestoreSecret") == [{"SecretId": NAME}]


def test_absent_schedules_the_deletion_with_a_recovery_window():
    aws = fake(described())
    failed, result = aws.run(generated_secrets.main, args(state="absent", recovery_window_days=10))
    assert not failed and result["changed"] is True
    assert aws.params("DeleteSecret") == [{"SecretId": NAME, "RecoveryWindowInDays": 10}]
    assert result["secrets"][0]["deletion_date"] == WHEN.isoformat()
    assert result["diff"]["after"][NAME]["state"] == "scheduled_for_deletion"


def test_absent_leaves_a_scheduled_secret_unless_forced():
    aws = fake(described(deleted=True))
    failed, result = aws.run(generated_secrets.main, args(state="absent"))
    assert not failed and result["changed"] is False and aws.operations() == ["DescribeSecret"]
    forced = fake(described(deleted=True))
    failed, result = forced.run(generated_secrets.main, args(state="absent", force_delete=True))
    assert not failed and forced.params("DeleteSecret") == [{"SecretId": NAME, "ForceDeleteWithoutRecovery": True}]


def test_absent_of_a_missing_secret_changes_nothing():
    aws = fake()
    failed, result = aws.run(generated_secrets.main, args(state="absent"))
    assert not failed and result["changed"] is False


@pytest.mark.parametrize("extra, fragment", [
    ({"length": 31}, "length: must be between 32 and 128"),
    ({"length": 129}, "length: must be between 32 and 128"),
    ({"recovery_window_days": 5, "state": "absent"}, "recovery_window_days"),
    ({"secrets": [{"name": NAME}, {"name": NAME}]}, "listed twice"),
])
def test_bad_inputs_fail_before_any_call(extra, fragment):
    aws = fake()
    failed, result = aws.run(generated_secrets.main, args(**extra))
    assert failed and fragment in result["msg"] and aws.operations() == []


@pytest.mark.parametrize("bad", ["With@At-" + "x" * 56, "x" * 63, 'Quote"' + "x" * 58])
def test_a_generated_value_elasticache_would_refuse_is_never_stored_nor_shown(bad):
    aws = fake(GetRandomPassword={"RandomPassword": bad})
    failed, result = aws.run(generated_secrets.main, args())
    assert failed and result["msg"].startswith("GetRandomPassword answered a value ElastiCache would refuse")
    assert "CreateSecret" not in aws.operations() and bad not in json.dumps(result, default=str)


def run_unmasked(aws, module_args):
    """main() with ansible-core's own exit path (its no_log masking included); returns what the module printed."""
    printed = {}
    with patch_module_args(dict(module_args, region="us-east-1")), \
            mock.patch.object(AnsibleAWSModule, "client", lambda _self, service, **_kw: aws.client(service)), \
            mock.patch.object(basic.AnsibleModule, "_record_module_result", lambda _self, o: printed.update(o)), \
            mock.patch("time.sleep"), pytest.raises(SystemExit):
        generated_secrets.main()
    return printed


def test_an_aws_error_that_echoes_a_generated_value_is_masked_in_the_output():
    def refuse(params):
        return ClientError({"Error": {"Code": "InvalidRequestException",
                                      "Message": "cannot store %s" % params["SecretString"]}}, "CreateSecret")

    aws = fake(CreateSecret=refuse)
    printed = run_unmasked(aws, args())
    assert printed["failed"] is True and printed["msg"].startswith("CreateSecret failed for secret " + NAME)
    assert "cannot store ********" in printed["msg"]
    assert VALUE not in json.dumps(printed, default=str)


FAILURES = {
    "DescribeSecret": (fake, args()),
    "GetRandomPassword": (fake, args()),
    "CreateSecret": (fake, args()),
    "PutSecretValue": (lambda **kw: fake(described(), **kw), args(stage="pending")),
    "UpdateSecretVersionStage": (lambda **kw: fake(described({V1: ["AWSCURRENT"], V2: ["AWSPENDING"]}), **kw),
                                 args(stage="promote")),
    "UpdateSecret": (lambda **kw: fake(described(description="old"), **kw), args()),
    "TagResource": (lambda **kw: fake(described(), **kw), args(tags={"A": "b"})),
    "UntagResource": (lambda **kw: fake(described(tags={"A": "b"}), **kw), args(tags={})),
    "RestoreSecret": (lambda **kw: fake(described(deleted=True), **kw), args()),
    "DeleteSecret": (lambda **kw: fake(described(), **kw), args(state="absent")),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation_and_the_secret(operation, error):
    aws, result = fail_one(generated_secrets.main, FAILURES, operation, error)
    assert result["msg"].startswith("%s failed for secret %s" % (operation, NAME))
    assert VALUE not in json.dumps(result, default=str)
