#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: compliance_report
short_description: Score replication groups against the ElastiCache compliance controls
version_added: 0.3.0
description:
  - Runs on the controller (an action plugin); makes no AWS call. The compliance role
    (playbooks/compliance.yml) runs it on the groups that M(funmagic.elasticache.replication_group_info)
    describes with I(all_members=true).
  - Scores every group against AWS Security Hub's ElastiCache.1 to ElastiCache.7, AWS Config's managed rule
    C(elasticache-rbac-auth-enabled) and Checkov's C(CKV_AWS_191), as each of them documents its pass condition
    (docs/compliance.md lists them with their sources).
  - One row per control and instance. C(PASS); C(FAIL), with the inventory field to change; C(NOT_ENABLED) for
    C(CKV_AWS_191) when the inventory asks for no customer managed key (I(kms_key) mode C(none)), which fails like
    C(FAIL); C(NOT_APPLICABLE) when the control does not score such a group (ElastiCache.6 on Redis OSS 6.0 and
    later, the RBAC rule before 6.0); C(ACCEPTED) for a failing control that I(accepted_exceptions) accepts, listed
    apart with the inventory's reason.
  - An instance whose replication group (or serverless cache) does not exist is one C(FAIL) row, control C((group)).
author:
  - Funmagic Platform Team (@funmagic)
options:
  replication_groups:
    description:
      - The groups, as M(funmagic.elasticache.replication_group_info) returns them. With I(all_members=true) the
        controls on cache clusters (ElastiCache.2 and ElastiCache.7) score every member; without it, the first.
    type: list
    elements: dict
    required: true
  serverless_caches:
    description:
      - The serverless caches of the instances of kind C(serverless), as M(funmagic.elasticache.replication_group_info)
        returns them in C(serverless_caches).
      - None of the controls' owners evaluates a serverless cache; the report asks it the same questions where they
        mean something (backups kept, encryption at rest and in transit, which are always on, a user group, a
        customer managed key) and says C(NOT_APPLICABLE) with the reason where AWS runs the thing itself (minor
        versions, failover, subnet group).
    type: list
    elements: dict
    default: []
    version_added: 0.4.0
  instances:
    description:
      - The managed instances, the C(instances) of the model M(funmagic.elasticache.inputs) returns, in the order of
        C(cache_instances) (the fields to change are named by their place there).
    type: list
    elements: dict
    required: true
  kms_key:
    description:
      - The C(cache.kms_key) of the inputs model; its C(mode) (C(none), C(create) or C(arn)) tells a customer managed
        key that is not enabled (C(NOT_ENABLED)) from one that a group made before it lacks (C(FAIL)).
    type: dict
  accepted_exceptions:
    description:
      - The failing controls to accept, each C(control) (one of the control ids above), C(instance) (a name in
        C(cache_instances); omitted, every instance) and C(reason), which the report prints. The role passes
        C(compliance_accepted_exceptions).
      - Refused, naming each path, when a control or an instance does not exist, a reason is empty, or the same
        control and instance come twice.
    type: list
    elements: raw
    default: []
  min_snapshot_retention:
    description: Security Hub's C(snapshotRetentionPeriod) parameter of ElastiCache.1, days (1 to 35).
    type: int
    default: 1
  fail_on_failure:
    description: Fail the task when a control fails (C(FAIL) or C(NOT_ENABLED)) and no exception accepts it.
    type: bool
    default: true
notes:
  - Supports check mode; it changes nothing.
"""

EXAMPLES = r"""
- name: Describe every group with all its member clusters
  funmagic.elasticache.replication_group_info:
    replication_group_ids: "{{ model.instances | map(attribute='replication_group_id') }}"
    tags: false
    all_members: true
  register: groups

- name: Score them
  funmagic.elasticache.compliance_report:
    replication_groups: "{{ groups.replication_groups }}"
    instances: "{{ model.instances }}"
    kms_key: "{{ model.cache.kms_key }}"
    accepted_exceptions:
      - control: CKV_AWS_191
        reason: Cache data only; the AWS owned key is enough here.
"""

RETURN = r"""
passed:
  description: Whether no control fails (accepted exceptions do not fail).
  returned: success
  type: bool
rows:
  description: One per control and instance, in the order of C(cache_instances), then of the controls.
  returned: success
  type: list
  elements: dict
  contains:
    control:
      description: C(ElastiCache.1) to C(ElastiCache.7), C(elasticache-rbac-auth-enabled), C(CKV_AWS_191), or C((group))
        for a group that does not exist.
      type: str
    instance:
      description: The instance's name in C(cache_instances).
      type: str
    replication_group_id:
      description: Its replication group.
      type: str
    result:
      description: C(PASS), C(FAIL), C(NOT_ENABLED), C(NOT_APPLICABLE) or C(ACCEPTED).
      type: str
    field:
      description: The inventory field to change, with the value that passes; null when nothing is to change.
      type: str
      sample: "cache_instances[1] (queue).snapshot_retention_limit: 1 or more"
    detail:
      description: What AWS has, and what else the change needs.
      type: str
    reason:
      description: The inventory's reason of an accepted exception; null otherwise.
      type: str
failed_controls:
  description: The rows that fail (C(FAIL) or C(NOT_ENABLED)).
  returned: success
  type: list
  elements: dict
accepted:
  description: The rows of failing controls that an exception accepts.
  returned: success
  type: list
  elements: dict
unused_exceptions:
  description: The exceptions that accept no failing control (the control passes or does not apply); remove them.
  returned: success
  type: list
  elements: dict
table:
  description: The rows but the accepted ones as aligned text lines, a header first.
  returned: success
  type: list
  elements: str
  sample:
    - "control       | instance | result | field to change                                     | detail"
    - "ElastiCache.1 | main     | FAIL   | cache_instances[0] (main).snapshot_retention_limit: 1 or more | ..."
accepted_table:
  description: The accepted exceptions as aligned text lines, a header first; empty when there is none.
  returned: success
  type: list
  elements: str
report:
  description: The text to print, on several lines; the table, the accepted exceptions apart, then I(msg).
  returned: success
  type: str
msg:
  description: How many controls fail and are accepted, each failing one with its field.
  returned: success
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.compliance_options import ARGUMENT_SPEC


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="funmagic.elasticache.compliance_report runs on the controller as an action plugin; "
                         "call it as a task, not as a module")


if __name__ == "__main__":
    main()
