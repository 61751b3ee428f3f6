#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dashboard
short_description: The CloudWatch dashboard of an environment's ElastiCache instances
version_added: 0.3.0
description:
  - One dashboard per environment, named C(<prefix>-redis) (CloudWatch dashboards are global to the account, so the
    prefix tells environments apart).
  - One row per instance, in the order of I(instances); in each, one graph per metric (CPUUtilization,
    EngineCPUUtilization, DatabaseMemoryUsagePercentage, CurrConnections, NewConnections, Evictions, ReplicationLag
    when there are replicas, CacheHits, CacheMisses), with a line per node and the threshold of the node's alarm
    drawn in. The nodes are those the I(alarms) watch.
  - A serverless cache (C(kind=serverless)) has no nodes; its row has ElastiCacheProcessingUnits (ECPUs per minute),
    BytesUsedForCache, ThrottledCmds and CurrConnections of the cache (dimension C(clusterId)), with its alarms'
    thresholds and its usage limits' maximums (C(usage_limits.ecpu_per_second.maximum) per minute,
    C(usage_limits.data_storage.maximum) in bytes) drawn in.
  - Reads the dashboard with C(GetDashboard) and puts it (C(PutDashboard)) only when its body differs as JSON
    (key order and spacing do not count), so a rerun changes nothing. C(DeleteDashboards) with I(state=absent).
  - Check mode and diff mode.
author:
  - Funmagic Platform Team (@funmagic)
options:
  prefix:
    description: The environment's C(cache_name_prefix); the dashboard is C(<prefix>-redis), or C(redis) when empty.
    type: str
    required: true
  state:
    description: Whether the dashboard should exist.
    type: str
    choices: [present, absent]
    default: present
  instances:
    description:
      - The instances, as the C(instances) of the M(funmagic.elasticache.inputs) model (C(name), C(purpose),
        C(replication_group_id), C(primary_cluster_id); C(kind), C(engine) and C(usage_limits) for a serverless
        cache). Not used with I(state=absent).
    type: list
    elements: dict
    default: []
  alarms:
    description:
      - The alarms of the nodes, as the C(alarms) of the M(funmagic.elasticache.inputs) model (C(metric),
        C(statistic), C(threshold), C(dimensions)). An instance without alarms (its group does not exist yet) gets
        no row. Not used with I(state=absent).
    type: list
    elements: dict
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The environment's dashboard, from the inputs model
  funmagic.elasticache.dashboard:
    prefix: "{{ model.prefix }}"
    instances: "{{ model.instances }}"
    alarms: "{{ model.alarms }}"

- name: Remove it
  funmagic.elasticache.dashboard:
    prefix: app
    state: absent
"""

RETURN = r"""
name:
  description: The dashboard's name.
  returned: always
  type: str
  sample: app-redis
widgets:
  description: How many widgets the dashboard has (or would have, in check mode); 0 when it is absent.
  returned: always
  type: int
  sample: 20
body:
  description: The dashboard body as it is after the run (or would be, in check mode); empty when it is absent.
  returned: always
  type: dict
validation_messages:
  description: What C(PutDashboard) said about the body (C(DashboardValidationMessages)), when it was put.
  returned: always
  type: list
  elements: dict
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils import dashboard
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run


def current_body(client, name):
    """The dashboard's body as a dict, or None when there is no such dashboard."""
    try:
        found = client.get_dashboard(DashboardName=name)
    except is_ansible_aws_error_code("ResourceNotFound"):
        return None
    parsed = dashboard.parse(found.get("DashboardBody"))
    return {} if parsed is None else parsed


def ensure(module, client):
    params = module.params
    try:
        name = dashboard.dashboard_name(params["prefix"])
        wanted = None
        if params["state"] == "present":
            wanted = dashboard.body(params["instances"], params["alarms"], module.region)
    except (KeyError, TypeError, ValueError) as e:
        module.fail_json(msg="funmagic.elasticache.dashboard: %s" % (e if not isinstance(e, KeyError)
                                                                     else "instances need %s" % e))
    found = current_body(client, name)
    result = {"name": name, "validation_messages": [], "body": wanted or {},
              "widgets": len((wanted or {}).get("widgets") or [])}
    if wanted is None:
        if found is None:
            return False, dict(result, diff={"before": {}, "after": {}})
        if not module.check_mode:
            client.delete_dashboards(DashboardNames=[name])
        return True, dict(result, diff={"before": found, "after": {}})
    if found == wanted:
        return False, dict(result, diff={"before": found, "after": wanted})
    if not module.check_mode:
        answer = client.put_dashboard(DashboardName=name, DashboardBody=json.dumps(wanted, sort_keys=True))
        result["validation_messages"] = answer.get("DashboardValidationMessages") or []
    return True, dict(result, diff={"before": found or {}, "after": wanted})


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            prefix=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            instances=dict(type="list", elements="dict", default=[]),
            alarms=dict(type="list", elements="dict", default=[]),
        ),
        supports_check_mode=True,
    )
    run(module, ensure, "cloudwatch")


if __name__ == "__main__":
    main()
