#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: metric_alarms
short_description: Manage many CloudWatch metric alarms with one describe call
version_added: 0.2.0
description:
  - Reads every named alarm with one C(DescribeAlarms) call (100 names a call), then creates or updates only the
    alarms that differ (C(PutMetricAlarm)) or deletes the ones that exist (C(DeleteAlarms), 100 names a call).
  - An environment's alarms are dozens (five per node); C(amazon.aws.cloudwatch_metric_alarm) reads each one twice.
  - Check mode and diff mode.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the alarms should exist.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - Alarms to remove when they are no longer wanted, such as those of a node that is gone. Existing alarms are
        then read with one C(DescribeAlarms) by I(prefix) (instead of by name), and every one whose name matches
        I(pattern) and is not in I(alarms) is deleted (with I(state=absent), every one that matches).
    type: dict
    suboptions:
      prefix:
        description: The name prefix the alarms share (may be empty).
        type: str
        default: ""
      pattern:
        description: A regular expression that an alarm's whole name must match to be removed.
        type: str
        required: true
  alarms:
    description: The alarms. With I(state=absent) only C(name) is used.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Alarm name.
        type: str
        required: true
      description:
        description: Alarm description.
        type: str
      namespace:
        description: Metric namespace.
        type: str
        default: AWS/ElastiCache
      metric:
        description: Metric name.
        type: str
      statistic:
        description: Statistic of the metric.
        type: str
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      comparison:
        description: Comparison operator.
        type: str
        choices: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold]
      threshold:
        description: Threshold.
        type: float
      period:
        description: Seconds of each evaluation period.
        type: int
      evaluation_periods:
        description: Periods that must breach.
        type: int
      dimensions:
        description: Metric dimensions, name to value.
        type: dict
        default: {}
      actions:
        description: ARNs notified when the alarm fires and when it recovers.
        type: list
        elements: str
        default: []
      treat_missing_data:
        description: How missing data points are treated.
        type: str
        choices: [breaching, notBreaching, ignore, missing]
        default: missing
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: CPU and memory of one node
  funmagic.elasticache.metric_alarms:
    alarms:
      - name: app-main-001-cpu
        metric: CPUUtilization
        statistic: Average
        comparison: GreaterThanThreshold
        threshold: 45
        period: 300
        evaluation_periods: 2
        dimensions: {CacheClusterId: app-main-001, CacheNodeId: "0001"}
        actions: [arn:aws:sns:us-east-1:123456789012:ops]
      - name: app-main-001-memory
        metric: DatabaseMemoryUsagePercentage
        statistic: Average
        comparison: GreaterThanOrEqualToThreshold
        threshold: 90
        period: 300
        evaluation_periods: 2
        dimensions: {CacheClusterId: app-main-001, CacheNodeId: "0001"}

- name: Delete them
  funmagic.elasticache.metric_alarms:
    state: absent
    alarms: [{name: app-main-001-cpu}, {name: app-main-001-memory}]
"""

RETURN = r"""
created:
  description: Alarms created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
updated:
  description: Alarms whose settings were changed.
  returned: always
  type: list
  elements: str
deleted:
  description: Alarms deleted.
  returned: always
  type: list
  elements: str
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run

BATCH = 100


def desired_request(alarm):
    """PutMetricAlarm parameters of an alarm option."""
    return {
        "AlarmName": alarm["name"],
        "AlarmDescription": alarm["description"] or "",
        "Namespace": alarm["namespace"],
        "MetricName": alarm["metric"],
        "Statistic": alarm["statistic"],
        "ComparisonOperator": alarm["comparison"],
        "Threshold": float(alarm["threshold"]),
        "Period": alarm["period"],
        "EvaluationPeriods": alarm["evaluation_periods"],
        "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted(alarm["dimensions"].items())],
        "AlarmActions": sorted(alarm["actions"]),
        "OKActions": sorted(alarm["actions"]),
        "TreatMissingData": alarm["treat_missing_data"],
        "ActionsEnabled": True,
    }


def current_request(found):
    """The same fields as AWS describes an existing alarm."""
    keys = ("AlarmName", "AlarmDescription", "Namespace", "MetricName", "Statistic", "ComparisonOperator", "Threshold",
            "Period", "EvaluationPeriods", "TreatMissingData", "ActionsEnabled")
    current = dict((k, found.get(k)) for k in keys)
    current["AlarmDescription"] = current["AlarmDescription"] or ""
    current["Threshold"] = float(current["Threshold"]) if current["Threshold"] is not None else None
    current["Dimensions"] = sorted(found.get("Dimensions") or [], key=lambda d: d["Name"])
    current["AlarmActions"] = sorted(found.get("AlarmActions") or [])
    current["OKActions"] = sorted(found.get("OKActions") or [])
    return current


def plan(alarms, existing, state, purge_pattern=None):
    """(to_put, to_delete, diff): what differs between the wanted alarms and those found."""
    to_put, to_delete, before, after = [], [], {}, {}
    if purge_pattern is not None:
        wanted = set(a["name"] for a in alarms) if state == "present" else set()
        for name in sorted(existing):
            if name not in wanted and re.fullmatch(purge_pattern, name):
                to_delete.append(name)
                before[name], after[name] = "present", "absent"
    for alarm in alarms:
        name = alarm["name"]
        if state == "absent":
            if name in existing and name not in to_delete:
                to_delete.append(name)
                before[name], after[name] = "present", "absent"
            continue
        wanted = desired_request(alarm)
        current = current_request(existing[name]) if name in existing else None
        if current != wanted:
            to_put.append(wanted)
            before[name] = current
            after[name] = wanted
    return to_put, to_delete, {"before": before, "after": after}


def describe(client, names):
    found = {}
    for start in range(0, len(names), BATCH):
        for alarm in client.paginate("describe_alarms", "MetricAlarms", AlarmNames=names[start:start + BATCH],
                                     AlarmTypes=["MetricAlarm"]):
            found[alarm["AlarmName"]] = alarm
    return found


def ensure(module, client):
    params = module.params
    if params["state"] == "present":
        fields = ("metric", "statistic", "comparison", "threshold", "period", "evaluation_periods")
        missing = [(a["name"], k) for a in params["alarms"] for k in fields if a[k] is None]
        if missing:
            module.fail_json(msg="alarms: %s" % "; ".join("%s needs %s" % pair for pair in missing))
    names = [a["name"] for a in params["alarms"]]
    purge = params["purge"]
    if purge:
        prefix = {"AlarmNamePrefix": purge["prefix"]} if purge["prefix"] else {}
        existing = dict((a["AlarmName"], a) for a in client.paginate("describe_alarms", "MetricAlarms",
                                                                     AlarmTypes=["MetricAlarm"], **prefix))
    else:
        existing = describe(client, names) if names else {}
    to_put, to_delete, diff = plan(params["alarms"], existing, params["state"], purge and purge["pattern"])
    if not module.check_mode:
        for request in to_put:
            client.put_metric_alarm(**request)
        for start in range(0, len(to_delete), BATCH):
            client.delete_alarms(AlarmNames=to_delete[start:start + BATCH])
    result = {
        "created": [r["AlarmName"] for r in to_put if r["AlarmName"] not in existing],
        "updated": [r["AlarmName"] for r in to_put if r["AlarmName"] in existing],
        "deleted": to_delete,
    }
    return bool(to_put or to_delete), dict(result, diff=diff)


def main():
    alarm_options = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        namespace=dict(type="str", default="AWS/ElastiCache"),
        metric=dict(type="str"),
        statistic=dict(type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
        comparison=dict(type="str", choices=["GreaterThanOrEqualToThreshold", "GreaterThanThreshold",
                                             "LessThanThreshold", "LessThanOrEqualToThreshold"]),
        threshold=dict(type="float"),
        period=dict(type="int"),
        evaluation_periods=dict(type="int"),
        dimensions=dict(type="dict", default={}),
        actions=dict(type="list", elements="str", default=[]),
        treat_missing_data=dict(type="str", default="missing", choices=["breaching", "notBreaching", "ignore", "missing"]),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            alarms=dict(type="list", elements="dict", required=True, options=alarm_options),
            purge=dict(type="dict", options=dict(prefix=dict(type="str", default=""),
                                                 pattern=dict(type="str", required=True))),
        ),
        supports_check_mode=True,
    )
    run(module, ensure, "cloudwatch")


if __name__ == "__main__":
    main()
