#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: drift_report
short_description: Turn the provisioning roles' check-mode results into a drift table
version_added: 0.2.0
description:
  - Runs on the controller (an action plugin); makes no AWS call.
  - Reads the results the network, access, cache and monitoring roles publish when they run with check mode and
    diff mode (playbooks/drift.yml does this), and makes one row per difference between the inventory and
    AWS, with the resource, the field, what the inventory says and what AWS has. Secrets are masked.
  - Also the env files of the application hosts, as the client role's C(drift) entry point compared them with
    M(funmagic.elasticache.env_file_drift); one row per variable that differs, with the host, the file, what the
    inventory says and what the file holds, tokens masked.
  - Security group rules are compared as M(funmagic.elasticache.security_group) spells them on both sides of its
    diff, one text per protocol, ports and source.
  - A result that reports a change without any field in its diff still makes a row, so no drift goes
    unreported.
author:
  - Funmagic Platform Team (@funmagic)
options:
  results:
    description:
      - The registered results, by kind. Kinds are C(security_group), C(subnet_group), C(kms_key)
        (C(amazon.aws.kms_key)), C(users) (M(funmagic.elasticache.users)), C(user_groups)
        (M(funmagic.elasticache.user_groups)), C(parameter_groups) (a loop), C(replication_groups) (a loop),
        C(serverless_caches) (a loop of M(funmagic.elasticache.serverless_cache)),
        C(log_groups) (M(funmagic.elasticache.log_groups)), C(alarms) (M(funmagic.elasticache.metric_alarms)) and
        C(env_files) (C(results), one C(client_results) per host, as the client role publishes it).
    type: dict
    required: true
  fail_on_drift:
    description: Fail the task, with the table in the message, when there is any drift.
    type: bool
    default: true
notes:
  - Supports check mode; it changes nothing.
"""

EXAMPLES = r"""
- name: Report the drift found by the roles run in check mode
  funmagic.elasticache.drift_report:
    results: "{{ network_results | combine(cache_results, monitoring_results) }}"
"""

RETURN = r"""
drift:
  description: Whether anything differs.
  returned: always
  type: bool
rows:
  description: One per difference.
  returned: always
  type: list
  elements: dict
  contains:
    resource:
      description: The resource, such as C(replication group funmagic-main).
      type: str
    field:
      description: The field, such as C(snapshot_retention_limit) or C(parameters.maxmemory-policy); C((resource)) when it is missing.
      type: str
    inventory:
      description: What the inventory says; C((absent)) for something AWS has that the inventory does not.
      type: str
    aws:
      description: What AWS has, or for an env file what the host's file holds; C((absent)) for something missing.
      type: str
table:
  description: The rows as aligned text lines, a header first.
  returned: always
  type: list
  elements: str
  sample:
    - "resource                  | field                    | inventory | AWS or host"
    - "replication group fm-main | snapshot_retention_limit | 7         | 1"
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            results=dict(type="dict", required=True),
            fail_on_drift=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    module.fail_json(msg="funmagic.elasticache.drift_report runs on the controller as an action plugin; "
                         "call it as a task, not as a module")


if __name__ == "__main__":
    main()
