#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cache_memory_info
short_description: How much memory the data of ElastiCache nodes uses, from CloudWatch
version_added: 0.3.0
description:
  - Read-only. The latest C(BytesUsedForCache) (namespace C(AWS/ElastiCache), the Maximum of its minute) of each
    cache cluster within the last I(minutes), one GetMetricStatistics call per cluster.
  - M(funmagic.elasticache.inputs) uses it before a node type scale down, to refuse one the data does not fit, as
    AWS would (it compares the same metric with the new node type's memory).
author:
  - Funmagic Platform Team (@funmagic)
options:
  cache_cluster_ids:
    description: The member clusters (nodes) to read.
    type: list
    elements: str
    required: true
  minutes:
    description: How far back to look for a datapoint.
    type: int
    default: 60
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The memory the nodes of funmagic-main use
  funmagic.elasticache.cache_memory_info:
    cache_cluster_ids: [funmagic-main-001, funmagic-main-002]
  register: memory
"""

RETURN = r"""
used_bytes:
  description: Cache cluster id to the bytes its data used at the latest datapoint, or null without one.
  returned: always
  type: dict
  sample: {funmagic-main-001: 5579416}
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run


def used_bytes(client, cluster_id, minutes):
    end = datetime.datetime.now(datetime.timezone.utc)
    points = client.get_metric_statistics(
        Namespace="AWS/ElastiCache", MetricName="BytesUsedForCache",
        Dimensions=[{"Name": "CacheClusterId", "Value": cluster_id}],
        StartTime=end - datetime.timedelta(minutes=minutes), EndTime=end, Period=60, Statistics=["Maximum"],
    )["Datapoints"]
    return int(max(points, key=lambda p: p["Timestamp"])["Maximum"]) if points else None


def describe(module, client):
    params = module.params
    return False, {"used_bytes": dict((c, used_bytes(client, c, params["minutes"]))
                                      for c in params["cache_cluster_ids"])}


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(cache_cluster_ids=dict(type="list", elements="str", required=True),
                           minutes=dict(type="int", default=60)),
        supports_check_mode=True,
    )
    run(module, describe, "cloudwatch")


if __name__ == "__main__":
    main()
