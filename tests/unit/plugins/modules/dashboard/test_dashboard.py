"""dashboard: one GetDashboard, a PutDashboard only when the body differs as JSON, DeleteDashboards when absent."""

from __future__ import annotations

import json

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import dashboard as module
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

INSTANCES = [{"name": "main", "purpose": "main", "replication_group_id": "fm-main"}]
ALARMS = [{"name": "fm-main-001-memory", "metric": "DatabaseMemoryUsagePercentage", "statistic": "Average",
           "threshold": 90.0, "dimensions": {"CacheClusterId": "fm-main-001", "CacheNodeId": "0001"}}]
ARGS = {"prefix": "fm", "instances": INSTANCES, "alarms": ALARMS}


def fake(body=None, **answers):
    get = {"DashboardName": "fm-redis", "DashboardArn": "arn:aws:cloudwatch::123456789012:dashboard/fm-redis",
           "DashboardBody": body} if body is not None else "ResourceNotFound"
    return FakeAWS(dict({"GetDashboard": get, "PutDashboard": {"DashboardValidationMessages": []},
                         "DeleteDashboards": {}}, **answers))


def wanted_body():
    failed, result = fake().run(module.main, ARGS, check_mode=True)
    assert not failed
    return result["body"]


def test_creates_the_dashboard_named_from_the_prefix():
    aws = fake()
    failed, result = aws.run(module.main, ARGS)
    assert not failed and result["changed"] and result["name"] == "fm-redis"
    assert aws.operations() == ["GetDashboard", "PutDashboard"]
    put = aws.params("PutDashboard")[0]
    assert put["DashboardName"] == "fm-redis" and json.loads(put["DashboardBody"]) == result["body"]
    assert result["widgets"] == len(result["body"]["widgets"]) == 9  # a header and 8 graphs (no replica)
    assert result["diff"]["before"] == {}


def test_a_rerun_changes_nothing_whatever_the_key_order_and_spacing():
    stored = json.dumps(wanted_body(), indent=4)  # as another tool might have written it
    aws = fake(body=stored)
    failed, result = aws.run(module.main, ARGS)
    assert not failed and not result["changed"]
    assert aws.operations() == ["GetDashboard"]


def test_a_changed_threshold_is_put_again_with_a_diff_and_check_mode_puts_nothing():
    body = wanted_body()
    for widget in body["widgets"]:
        if widget["properties"].get("annotations"):
            widget["properties"]["annotations"]["horizontal"][0]["value"] = 80.0
    aws = fake(body=json.dumps(body))
    failed, result = aws.run(module.main, ARGS, check_mode=True)
    assert not failed and result["changed"] and aws.operations() == ["GetDashboard"]
    assert result["diff"]["before"] == body and result["diff"]["after"] == result["body"]
    aws = fake(body=json.dumps(body))
    failed, result = aws.run(module.main, ARGS)
    assert not failed and result["changed"] and aws.operations() == ["GetDashboard", "PutDashboard"]


def test_absent_deletes_it_once_and_then_changes_nothing():
    aws = fake(body=json.dumps(wanted_body()))
    failed, result = aws.run(module.main, {"prefix": "fm", "state": "absent"}, check_mode=True)
    assert not failed and result["changed"] and aws.operations() == ["GetDashboard"]
    failed, result = aws.run(module.main, {"prefix": "fm", "state": "absent"})
    assert not failed and result["changed"]
    assert aws.params("DeleteDashboards") == [{"DashboardNames": ["fm-redis"]}]
    aws = fake()
    failed, result = aws.run(module.main, {"prefix": "fm", "state": "absent"})
    assert not failed and not result["changed"] and aws.operations() == ["GetDashboard"]


def test_bad_input_is_refused_before_any_call():
    aws = fake()
    failed, result = aws.run(module.main, dict(ARGS, instances=[{"name": "main"}]))
    assert failed and "instances need 'replication_group_id'" in result["msg"]
    failed, result = aws.run(module.main, dict(ARGS, prefix="bad prefix"))
    assert failed and result["msg"].startswith("funmagic.elasticache.dashboard: prefix")
    assert aws.operations() == []


SCENARIOS = {
    "GetDashboard": (fake, ARGS),
    "PutDashboard": (fake, ARGS),
    "DeleteDashboards": (lambda **answers: fake(body="{}", **answers), {"prefix": "fm", "state": "absent"}),
}


@each_failure(SCENARIOS)
def test_every_failing_call_is_named_with_the_dashboard(operation, error):
    _fake, result = fail_one(module.main, SCENARIOS, operation, error)
    if operation != "DeleteDashboards":
        assert "DashboardName=fm-redis" in result["msg"]


@pytest.mark.parametrize("body", ["not json", "[]"])
def test_a_body_that_is_not_a_json_object_is_replaced(body):
    aws = fake(body=body)
    failed, result = aws.run(module.main, ARGS)
    assert not failed and result["changed"] and aws.operations() == ["GetDashboard", "PutDashboard"]
