"""log_groups against the emulator (moto's CloudWatch Logs): create, rerun, drift repaired, check mode, delete."""

from __future__ import annotations

import re
import textwrap

import yaml

from tests.integration import run_ansible

NAMES = ["/elasticache/lg-%s/%s" % (group, log) for group in ("a", "b") for log in ("slow-log", "engine-log")]
TAGS = {"Environment": "test", "Team": "web"}
ARGS = {"log_groups": [{"name": name, "retention_days": 7} for name in NAMES], "tags": TAGS}


def _run(emulator, args, check_mode=False):
    """One module run: (its result, the AWS operations it made, the mutating ones). The log starts empty."""
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.module("log_groups", args, emulator, check_mode=check_mode)
    assert rc == 0, output[-3000:]
    answer = re.search(r"=> *\n(.*?)(?:^\S|\Z)", output, re.MULTILINE | re.DOTALL).group(1)
    requests = emulator.requests()
    return (yaml.safe_load(textwrap.dedent(answer)), [r["operation"] for r in requests],
            [r["operation"] for r in requests if r["mutating"]])


def _in_aws(logs):
    """name -> (retention days, tags) of the log groups under /elasticache/lg-."""
    groups = logs.describe_log_groups(logGroupNamePrefix="/elasticache/lg-")["logGroups"]
    return dict((g["logGroupName"], (g.get("retentionInDays"), logs.list_tags_for_resource(
        resourceArn=g["logGroupArn"])["tags"])) for g in groups)


def test_log_groups_created_rerun_repaired_checked_and_deleted(aws, emulator):
    logs = aws.client("logs")

    result, calls, mutating = _run(emulator, ARGS)
    assert result["changed"] is True and [g["created"] for g in result["log_groups"]] == [True] * 4
    assert calls == ["DescribeLogGroups"] + ["CreateLogGroup", "PutRetentionPolicy"] * 4
    assert _in_aws(logs) == dict((name, (7, TAGS)) for name in NAMES)

    result, calls, mutating = _run(emulator, ARGS)
    assert result["changed"] is False and mutating == []
    assert calls == ["DescribeLogGroups"] + ["ListTagsForResource"] * 4
    assert [g["arn"] for g in result["log_groups"]] == [
        "arn:aws:logs:us-east-1:123456789012:log-group:" + name for name in NAMES]

    logs.put_retention_policy(logGroupName=NAMES[2], retentionInDays=30)
    logs.untag_resource(resourceArn=result["log_groups"][3]["arn"], tagKeys=["Team"])
    result, calls, mutating = _run(emulator, ARGS)
    assert result["changed"] is True and mutating == ["PutRetentionPolicy", "TagResource"]
    assert [(g["retention_days"], g["tags"], g["created"]) for g in result["log_groups"]] == [(7, TAGS, False)] * 4
    assert _in_aws(logs) == dict((name, (7, TAGS)) for name in NAMES)

    changed_args = {"log_groups": [{"name": name} for name in NAMES] + [{"name": "/elasticache/lg-c/slow-log"}],
                    "tags": {"Environment": "prod"}}
    result, calls, mutating = _run(emulator, changed_args, check_mode=True)
    assert result["changed"] is True and mutating == []
    assert [(g["tags"], g["created"]) for g in result["log_groups"]] == [({"Environment": "prod"}, False)] * 4 + \
        [({"Environment": "prod"}, True)]
    assert _in_aws(logs) == dict((name, (7, TAGS)) for name in NAMES)

    absent = {"state": "absent", "log_groups": [{"name": name} for name in NAMES]}
    result, calls, mutating = _run(emulator, absent, check_mode=True)
    assert result["changed"] is True and mutating == [] and len(_in_aws(logs)) == 4
    result, calls, mutating = _run(emulator, absent)
    assert result["changed"] is True and mutating == ["DeleteLogGroup"] * 4 and _in_aws(logs) == {}
    result, calls, mutating = _run(emulator, absent)
    assert result["changed"] is False and calls == ["DescribeLogGroups"]
