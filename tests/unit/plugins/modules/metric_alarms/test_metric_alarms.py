"""metric_alarms: one describe for many alarms, a put only where one differs, deletes in batches."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.modules import metric_alarms
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one


def alarm(name, threshold=90.0):
    return {"name": name, "metric": "DatabaseMemoryUsagePercentage", "statistic": "Average",
            "comparison": "GreaterThanOrEqualToThreshold", "threshold": threshold, "period": 300,
            "evaluation_periods": 2, "dimensions": {"CacheClusterId": name, "CacheNodeId": "0001"},
            "description": "memory of %s" % name, "actions": ["arn:aws:sns:us-east-1:123456789012:ops"]}


def described(option):
    """An alarm as DescribeAlarms answers for what `option` asked."""
    request = metric_alarms.desired_request(dict({"namespace": "AWS/ElastiCache", "treat_missing_data": "missing"},
                                                 **option))
    return dict(request, AlarmArn="arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + option["name"],
                StateValue="OK")


def fake(existing=(), **answers):
    answers = dict({"DescribeAlarms": {"MetricAlarms": [described(a) for a in existing]},
                    "PutMetricAlarm": {}, "DeleteAlarms": {}}, **answers)
    return FakeAWS(answers)


def test_creates_what_is_missing_and_leaves_what_matches_with_one_describe():
    aws = fake(existing=[alarm("a")])
    failed, result = aws.run(metric_alarms.main, {"alarms": [alarm("a"), alarm("b")]})
    assert not failed and result["changed"]
    assert result["created"] == ["b"] and result["updated"] == []
    assert aws.operations() == ["DescribeAlarms", "PutMetricAlarm"]
    assert aws.params("DescribeAlarms")[0]["AlarmNames"] == ["a", "b"]


def test_rerun_changes_nothing_and_makes_one_call():
    aws = fake(existing=[alarm("a"), alarm("b")])
    failed, result = aws.run(metric_alarms.main, {"alarms": [alarm("a"), alarm("b")]})
    assert not failed and not result["changed"]
    assert aws.operations() == ["DescribeAlarms"]


def test_a_changed_threshold_is_an_update_with_a_diff():
    aws = fake(existing=[alarm("a")])
    failed, result = aws.run(metric_alarms.main, {"alarms": [alarm("a", threshold=80.0)]})
    assert not failed and result["updated"] == ["a"]
    assert result["diff"]["before"]["a"]["Threshold"] == 90.0 and result["diff"]["after"]["a"]["Threshold"] == 80.0
    assert aws.params("PutMetricAlarm")[0]["Threshold"] == 80.0


def test_check_mode_reports_without_putting():
    aws = fake()
    failed, result = aws.run(metric_alarms.main, {"alarms": [alarm("a")]}, check_mode=True)
    assert not failed and result["changed"] and result["created"] == ["a"]
    assert aws.operations() == ["DescribeAlarms"]


def test_absent_deletes_only_what_exists_in_batches_of_100():
    names = ["n%03d" % i for i in range(150)]
    aws = fake(existing=[alarm(n) for n in names[:120]])
    failed, result = aws.run(metric_alarms.main, {"state": "absent", "alarms": [{"name": n} for n in names]})
    assert not failed and result["deleted"] == names[:120]
    assert [len(p["AlarmNames"]) for p in aws.params("DeleteAlarms")] == [100, 20]
    assert [len(p["AlarmNames"]) for p in aws.params("DescribeAlarms")] == [100, 50]


def test_present_needs_the_metric_fields():
    failed, result = fake().run(metric_alarms.main, {"alarms": [{"name": "a"}]})
    assert failed and result["msg"].startswith("alarms: a needs metric")


PURGE = {"prefix": "app-", "pattern": r"(app\-main)-(\d{3}|\d{4}-\d{3})-(cpu|memory)"}


def test_purge_removes_alarms_of_nodes_that_are_gone_and_nothing_else():
    aws = fake(existing=[alarm("app-main-001-memory"), alarm("app-main-003-memory"), alarm("app-main-2-001-memory"),
                         alarm("app-main-003-disk")])
    failed, result = aws.run(metric_alarms.main, {"alarms": [alarm("app-main-001-memory")], "purge": PURGE})
    assert not failed and result["deleted"] == ["app-main-003-memory"] and result["created"] == []
    assert aws.operations() == ["DescribeAlarms", "DeleteAlarms"]
    assert aws.params("DescribeAlarms")[0]["AlarmNamePrefix"] == "app-"


def test_absent_with_purge_deletes_every_alarm_of_the_pattern():
    aws = fake(existing=[alarm("app-main-001-memory"), alarm("app-main-003-memory"), alarm("other-alarm")])
    failed, result = aws.run(metric_alarms.main, {"state": "absent", "alarms": [{"name": "app-main-001-memory"}],
                                                  "purge": PURGE})
    assert not failed and sorted(result["deleted"]) == ["app-main-001-memory", "app-main-003-memory"]


SCENARIOS = {
    "DescribeAlarms": (fake, {"alarms": [alarm("a")]}),
    "PutMetricAlarm": (fake, {"alarms": [alarm("a")]}),
    "DeleteAlarms": (lambda **errors: fake(existing=[alarm("a")], **errors), {"state": "absent", "alarms": [{"name": "a"}]}),
}


@each_failure(SCENARIOS)
def test_every_aws_failure_is_named(operation, error):
    fail_one(metric_alarms.main, SCENARIOS, operation, error)
