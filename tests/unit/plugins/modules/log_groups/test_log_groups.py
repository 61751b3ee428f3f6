"""log_groups: one describe by the names' common prefix, tags read per existing group, a call only where one differs."""

from __future__ import annotations

import botocore.session
import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import log_groups
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

ARN = "arn:aws:logs:us-east-1:123456789012:log-group:"
NAMES = ["/elasticache/app-%s/%s" % (group, log) for group in ("main", "queue", "pubsub")
         for log in ("slow-log", "engine-log")]
TAGS = {"Environment": "test"}


def described(name, days=None):
    """A log group as DescribeLogGroups answers."""
    group = {"logGroupName": name, "arn": ARN + name + ":*", "logGroupArn": ARN + name, "creationTime": 1,
             "storedBytes": 0, "metricFilterCount": 0}
    if days is not None:
        group["retentionInDays"] = days
    return group


def fake(groups=None, **answers):
    """AWS holding `groups`: name -> (retention days or None, tags)."""
    groups = dict(groups or {})
    tags_by_arn = dict((ARN + name, tags) for name, (days, tags) in groups.items())

    def describe(params):
        return {"logGroups": [described(name, days) for name, (days, tags) in sorted(groups.items())
                              if name.startswith(params["logGroupNamePrefix"])]}

    return FakeAWS(dict({
        "DescribeLogGroups": describe,
        "ListTagsForResource": lambda params: {"tags": tags_by_arn[params["resourceArn"]]},
        "CreateLogGroup": {}, "PutRetentionPolicy": {}, "DeleteRetentionPolicy": {}, "TagResource": {},
        "UntagResource": {}, "DeleteLogGroup": {},
    }, **answers))


def present(days=14, names=None, **args):
    return dict({"log_groups": [{"name": name, "retention_days": days} for name in names or NAMES], "tags": TAGS},
                **args)


def existing(days=14, tags=None):
    return dict((name, (days, dict(TAGS if tags is None else tags))) for name in NAMES)


def test_a_first_run_makes_one_describe_then_creates_each_group_with_its_tags_and_retention():
    aws = fake()
    failed, result = aws.run(log_groups.main, present())
    assert not failed and result["changed"] is True
    assert aws.operations() == ["DescribeLogGroups"] + ["CreateLogGroup", "PutRetentionPolicy"] * 6
    assert aws.params("DescribeLogGroups") == [{"logGroupNamePrefix": "/elasticache/app-"}]
    assert aws.params("CreateLogGroup") == [{"logGroupName": name, "tags": TAGS} for name in NAMES]
    assert aws.params("PutRetentionPolicy") == [{"logGroupName": name, "retentionInDays": 14} for name in NAMES]
    assert result["log_groups"] == [{"name": name, "arn": None, "retention_days": 14, "tags": TAGS, "created": True}
                                    for name in NAMES]
    assert result["diff"] == {"before": dict((name, None) for name in NAMES),
                              "after": dict((name, {"retention_days": 14, "tags": TAGS}) for name in NAMES)}


def test_a_group_that_never_expires_and_has_no_tags_is_created_with_one_call():
    aws = fake()
    failed, result = aws.run(log_groups.main, {"log_groups": [{"name": NAMES[0]}]})
    assert not failed and result["changed"] is True
    assert aws.calls == [("DescribeLogGroups", {"logGroupNamePrefix": NAMES[0]}),
                         ("CreateLogGroup", {"logGroupName": NAMES[0]})]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_of_six_groups_makes_one_describe_and_one_tag_read_per_group(check_mode):
    aws = fake(existing())
    failed, result = aws.run(log_groups.main, present(), check_mode)
    assert not failed and result["changed"] is False
    assert aws.operations() == ["DescribeLogGroups"] + ["ListTagsForResource"] * 6
    assert aws.params("ListTagsForResource") == [{"resourceArn": ARN + name} for name in NAMES]
    assert result["diff"] == {"before": {}, "after": {}}
    assert result["log_groups"] == [{"name": name, "arn": ARN + name, "retention_days": 14, "tags": TAGS,
                                     "created": False} for name in NAMES]


def test_only_exact_names_count_as_existing():
    aws = fake({NAMES[0] + "-old": (7, {}), NAMES[0][:-1]: (7, {})})
    failed, result = aws.run(log_groups.main, present(names=NAMES[:1]))
    assert not failed and [g["created"] for g in result["log_groups"]] == [True]
    assert aws.operations() == ["DescribeLogGroups", "CreateLogGroup", "PutRetentionPolicy"]


def test_a_changed_retention_is_put_and_a_removed_one_is_deleted():
    groups = existing()
    groups[NAMES[1]] = (7, TAGS)
    aws = fake(groups)
    args = present()
    args["log_groups"][0]["retention_days"] = None
    failed, result = aws.run(log_groups.main, args)
    assert not failed and result["changed"] is True
    assert aws.operations() == ["DescribeLogGroups"] + ["ListTagsForResource"] * 6 + \
        ["DeleteRetentionPolicy", "PutRetentionPolicy"]
    assert aws.params("DeleteRetentionPolicy") == [{"logGroupName": NAMES[0]}]
    assert aws.params("PutRetentionPolicy") == [{"logGroupName": NAMES[1], "retentionInDays": 14}]
    assert result["diff"] == {
        "before": {NAMES[0]: {"retention_days": 14, "tags": TAGS}, NAMES[1]: {"retention_days": 7, "tags": TAGS}},
        "after": {NAMES[0]: {"retention_days": None, "tags": TAGS}, NAMES[1]: {"retention_days": 14, "tags": TAGS}}}
    assert [g["retention_days"] for g in result["log_groups"][:2]] == [None, 14]


@pytest.mark.parametrize("purge_tags, untagged, after", [
    (True, [{"resourceArn": ARN + NAMES[0], "tagKeys": ["Old", "Team"]}], {"Environment": "prod"}),
    (False, [], {"Environment": "prod", "Old": "x", "Team": "web"}),
])
def test_tags_are_set_and_purged_only_with_purge_tags(purge_tags, untagged, after):
    aws = fake({NAMES[0]: (14, {"Environment": "test", "Old": "x", "Team": "web"})})
    failed, result = aws.run(log_groups.main, present(names=NAMES[:1], tags={"Environment": "prod"},
                                                      purge_tags=purge_tags))
    assert not failed and result["changed"] is True
    assert aws.params("UntagResource") == untagged
    assert aws.params("TagResource") == [{"resourceArn": ARN + NAMES[0], "tags": {"Environment": "prod"}}]
    assert result["diff"]["after"][NAMES[0]] == {"retention_days": 14, "tags": after}
    assert result["log_groups"][0]["tags"] == after


def test_tag_values_are_sent_as_text_and_compare_equal_on_a_rerun():
    aws = fake({NAMES[0]: (14, {"Cost": "42"})})
    failed, result = aws.run(log_groups.main, present(names=NAMES[:1], tags={"Cost": 42}))
    assert not failed and result["changed"] is False
    aws = fake()
    failed, result = aws.run(log_groups.main, present(names=NAMES[:1], tags={"Cost": 42}))
    assert not failed and aws.params("CreateLogGroup")[0]["tags"] == {"Cost": "42"}


def test_check_mode_reports_every_change_and_makes_no_mutating_call():
    groups = existing()
    del groups[NAMES[5]]
    groups[NAMES[0]] = (7, {"Old": "x"})
    aws = fake(groups)
    failed, result = aws.run(log_groups.main, present(), check_mode=True)
    assert not failed and result["changed"] is True
    assert aws.operations() == ["DescribeLogGroups"] + ["ListTagsForResource"] * 5
    assert sorted(result["diff"]["after"]) == [NAMES[0], NAMES[5]]
    assert result["diff"]["before"] == {NAMES[0]: {"retention_days": 7, "tags": {"Old": "x"}}, NAMES[5]: None}
    assert result["log_groups"][5] == {"name": NAMES[5], "arn": None, "retention_days": 14, "tags": TAGS,
                                       "created": True}


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_each_existing_group_without_reading_tags(check_mode):
    aws = fake(dict((name, (14, TAGS)) for name in NAMES[:4]))
    failed, result = aws.run(log_groups.main, {"state": "absent", "log_groups": [{"name": n} for n in NAMES]},
                             check_mode)
    assert not failed and result["changed"] is True and result["log_groups"] == []
    expected = [] if check_mode else [{"logGroupName": name} for name in NAMES[:4]]
    assert aws.operations() == ["DescribeLogGroups"] + ["DeleteLogGroup"] * len(expected)
    assert aws.params("DeleteLogGroup") == expected
    assert result["diff"] == {"before": dict((name, "present") for name in NAMES[:4]),
                              "after": dict((name, "absent") for name in NAMES[:4])}


def test_absent_when_nothing_exists_changes_nothing():
    aws = fake()
    failed, result = aws.run(log_groups.main, {"state": "absent", "log_groups": [{"name": n} for n in NAMES]})
    assert not failed and result["changed"] is False and aws.operations() == ["DescribeLogGroups"]


def test_every_page_of_the_describe_is_read():
    pages = [{"logGroups": [described(NAMES[0], 14), described("/elasticache/app-main/other")], "nextToken": "t1"},
             {"logGroups": [described(NAMES[1], 14)]}]
    aws = fake({NAMES[0]: (14, TAGS), NAMES[1]: (14, TAGS)}, DescribeLogGroups=pages)
    failed, result = aws.run(log_groups.main, present(names=NAMES[:2]))
    assert not failed and result["changed"] is False
    assert aws.params("DescribeLogGroups") == [{"logGroupNamePrefix": "/elasticache/app-main/"},
                                               {"logGroupNamePrefix": "/elasticache/app-main/", "nextToken": "t1"}]
    assert aws.operations().count("ListTagsForResource") == 2


def test_names_without_a_common_prefix_are_described_one_by_one():
    names = ["/elasticache/a/slow-log", "other/b/slow-log"]
    aws = fake({names[1]: (14, TAGS)})
    failed, result = aws.run(log_groups.main, present(names=names))
    assert not failed and [g["created"] for g in result["log_groups"]] == [True, False]
    assert aws.params("DescribeLogGroups") == [{"logGroupNamePrefix": name} for name in names]


def test_a_name_listed_twice_is_refused_before_any_call():
    aws = fake()
    failed, result = aws.run(log_groups.main, present(names=[NAMES[0], NAMES[1], NAMES[0]]))
    assert failed and result["msg"].startswith("log_groups: %s listed more than once" % NAMES[0])
    assert aws.calls == []


def test_a_retention_cloudwatch_logs_refuses_is_refused_before_any_call():
    aws = fake()
    failed, result = aws.run(log_groups.main, present(days=10, names=NAMES[:2]))
    assert failed and aws.calls == []
    assert result["msg"] == "log_groups: " + "; ".join(
        "%s: retention_days 10 is not one CloudWatch Logs accepts; choose one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
        "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (or null: never expire)" % name
        for name in NAMES[:2])


def test_absent_ignores_the_retention():
    aws = fake({NAMES[0]: (14, TAGS)})
    failed, result = aws.run(log_groups.main, {"state": "absent",
                                               "log_groups": [{"name": NAMES[0], "retention_days": 10}]})
    assert not failed and result["changed"] is True and aws.operations() == ["DescribeLogGroups", "DeleteLogGroup"]


def test_no_groups_make_no_call():
    aws = fake()
    failed, result = aws.run(log_groups.main, {"log_groups": []})
    assert not failed and result["changed"] is False and aws.calls == []


def test_the_retention_values_are_those_botocore_documents():
    model = botocore.session.get_session().get_service_model("logs").operation_model("PutRetentionPolicy")
    text = model.input_shape.members["retentionInDays"].documentation
    documented = text.split("Possible values are: ")[1].split(".")[0].replace("and ", "")
    assert tuple(int(day) for day in documented.split(", ")) == log_groups.LOG_RETENTION_DAYS
    assert str(list(log_groups.LOG_RETENTION_DAYS))[1:-1] in " ".join(log_groups.DOCUMENTATION.split())


def changes_all(**errors):
    """A scenario that reaches every operation of state=present: one group missing, one to fix."""
    return fake({NAMES[1]: (7, {"Old": "x"}), NAMES[2]: (7, TAGS)}, **errors)


CHANGES = {"log_groups": [{"name": NAMES[0], "retention_days": 14}, {"name": NAMES[1], "retention_days": 14},
                          {"name": NAMES[2]}], "tags": TAGS}
ABSENT = {"state": "absent", "log_groups": [{"name": NAMES[0]}]}
FAILURES = {
    "DescribeLogGroups": (changes_all, CHANGES),
    "ListTagsForResource": (changes_all, CHANGES),
    "CreateLogGroup": (changes_all, CHANGES),
    "PutRetentionPolicy": (changes_all, CHANGES),
    "DeleteRetentionPolicy": (changes_all, CHANGES),
    "TagResource": (changes_all, CHANGES),
    "UntagResource": (changes_all, CHANGES),
    "DeleteLogGroup": (lambda **errors: fake({NAMES[0]: (14, TAGS)}, **errors), ABSENT),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    aws, result = fail_one(log_groups.main, FAILURES, operation, error)
    if "logGroupName" in aws.calls[-1][1]:
        assert "logGroupName=%s" % aws.calls[-1][1]["logGroupName"] in result["msg"]


KEY = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def test_a_kms_key_encrypts_new_groups_and_is_associated_with_existing_ones_once():
    aws = fake({NAMES[0]: (14, TAGS)}, AssociateKmsKey={})
    failed, result = aws.run(log_groups.main, present(names=NAMES[:2], kms_key_id=KEY))
    assert not failed and result["changed"] is True
    assert aws.params("AssociateKmsKey") == [{"logGroupName": NAMES[0], "kmsKeyId": KEY}]
    assert aws.params("CreateLogGroup") == [{"logGroupName": NAMES[1], "tags": TAGS, "kmsKeyId": KEY}]
    assert result["diff"]["before"][NAMES[0]]["kms_key_id"] is None
    assert result["diff"]["after"][NAMES[0]]["kms_key_id"] == KEY


def test_a_group_with_the_key_already_is_left_alone_and_without_the_option_the_key_is_not_managed():
    def describe(params):
        return {"logGroups": [dict(described(NAMES[0], 14), kmsKeyId=KEY)]}
    aws = fake({NAMES[0]: (14, TAGS)}, DescribeLogGroups=describe)
    for args in (present(names=NAMES[:1], kms_key_id=KEY), present(names=NAMES[:1])):
        failed, result = aws.run(log_groups.main, args)
        assert not failed and result["changed"] is False
    assert "AssociateKmsKey" not in aws.operations()
