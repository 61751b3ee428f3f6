#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: log_groups
short_description: Manage many CloudWatch Logs log groups with one describe call
version_added: 0.2.0
description:
  - Reads every named log group with one C(DescribeLogGroups) call by the longest prefix the names share (every page
    of it; one call per name when they share none), then the tags of each existing one (C(ListTagsForResource)),
    and changes only what differs.
  - A missing group is created with its tags (C(CreateLogGroup)) and its retention (C(PutRetentionPolicy)); an
    existing one gets C(PutRetentionPolicy) or C(DeleteRetentionPolicy) when its retention differs, and
    C(TagResource) / C(UntagResource) when its tags differ. With I(state=absent), C(DeleteLogGroup) for each one
    that exists.
  - The slow-log and engine-log groups of every replication group are a handful; C(amazon.aws.cloudwatchlogs_log_group)
    takes one module execution per group.
  - Check mode and diff mode. The IAM actions it needs are C(logs:DescribeLogGroups), C(logs:ListTagsForResource),
    C(logs:CreateLogGroup), C(logs:PutRetentionPolicy), C(logs:DeleteRetentionPolicy), C(logs:TagResource),
    C(logs:UntagResource) and C(logs:DeleteLogGroup) (not the deprecated C(logs:TagLogGroup) family).
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the log groups should exist.
    type: str
    choices: [present, absent]
    default: present
  log_groups:
    description: The log groups. With I(state=absent) only C(name) is used.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The log group's name. Each name may be listed once.
        type: str
        required: true
      retention_days:
        description:
          - Days the log events are kept, one of the values C(PutRetentionPolicy) accepts
            (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
          - Omitted or null, the events never expire (an existing retention policy is deleted).
        type: int
  tags:
    description:
      - Tags every log group carries, key to value. Values are sent as text.
      - With I(purge_tags=true), tags of an existing group that are not listed here are removed (except C(aws:) ones).
    type: dict
    default: {}
  purge_tags:
    description: Remove the tags of an existing group that are not in I(tags).
    type: bool
    default: true
  kms_key_id:
    description:
      - The ARN of the KMS key that encrypts the log events. A missing group is created with it, an existing one whose
        key differs gets it (C(AssociateKmsKey), IAM action C(logs:AssociateKmsKey)). Not set, the key is not managed.
      - The key's policy must let the C(logs.<region>.amazonaws.com) service use it.
    type: str
    version_added: 0.3.0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Slow and engine logs of two replication groups, kept two weeks
  funmagic.elasticache.log_groups:
    log_groups:
      - {name: /elasticache/funmagic-main/slow-log, retention_days: 14}
      - {name: /elasticache/funmagic-main/engine-log, retention_days: 14}
      - {name: /elasticache/funmagic-queue/slow-log, retention_days: 14}
      - {name: /elasticache/funmagic-queue/engine-log, retention_days: 14}
    tags:
      Environment: prod

- name: Delete them
  funmagic.elasticache.log_groups:
    state: absent
    log_groups:
      - name: /elasticache/funmagic-main/slow-log
      - name: /elasticache/funmagic-main/engine-log
"""

RETURN = r"""
log_groups:
  description:
    - The log groups as they are after the run (in check mode, as they would be), in the order of I(log_groups).
    - Empty with I(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
      sample: /elasticache/funmagic-main/slow-log
    arn:
      description:
        - The log group's ARN, without the C(:*) suffix (the form C(TagResource) and IAM policies take).
        - Null for a group created by this run (C(CreateLogGroup) does not return it; the module does not read the
          group again).
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/elasticache/funmagic-main/slow-log
    retention_days:
      description: Days the events are kept; null when they never expire.
      type: int
      sample: 14
    tags:
      description: The tags.
      type: dict
      sample: {Environment: prod}
    created:
      description: Whether this run created the group (or would, in check mode).
      type: bool
diff:
  description:
    - Only the groups that change, keyed by name. C(before.<name>) is C({retention_days, tags}) as AWS has it, or
      null when the group is missing; C(after.<name>) is C({retention_days, tags}) as the run leaves it.
    - With I(state=absent), C(before.<name>) is C(present) and C(after.<name>) is C(absent), as in
      M(funmagic.elasticache.metric_alarms).
  returned: always
  type: dict
  sample:
    before: {/elasticache/funmagic-main/slow-log: {retention_days: 7, tags: {Environment: prod}}}
    after: {/elasticache/funmagic-main/slow-log: {retention_days: 14, tags: {Environment: prod}}}
"""

import os

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.validation import LOG_RETENTION_DAYS


def describe(client, names):
    """name -> log group as DescribeLogGroups describes it, for those of `names` that exist.

    One walk by the longest prefix the names share; when they share none, one walk per name.
    """
    if not names:
        return {}
    prefix = os.path.commonprefix(names)
    wanted = set(names)
    found = {}
    for each in [prefix] if prefix else sorted(wanted):
        for group in client.paginate("describe_log_groups", "logGroups", logGroupNamePrefix=each):
            if group["logGroupName"] in wanted:
                found[group["logGroupName"]] = group
    return found


def arn_of(group):
    """The ARN without the ':*' that DescribeLogGroups' `arn` carries: what TagResource takes."""
    arn = group.get("logGroupArn") or group["arn"]
    return arn[:-2] if arn.endswith(":*") else arn


def read_tags(client, names, existing):
    """name -> tags of each existing group, read in the order of `names`."""
    return dict((name, client.list_tags_for_resource(resourceArn=arn_of(existing[name])).get("tags") or {})
                for name in names if name in existing)


def plan_group(option, found, current_tags, tags, purge_tags, kms_key_id=None):
    """The calls that make one log group as `option`, `tags` and `kms_key_id` ask: ([(method, params)], before, after).

    before is None when the group is missing; before and after are {retention_days, tags} (and kms_key_id when it is
    managed: set).
    """
    name, days = option["name"], option["retention_days"]
    calls = []
    if found is None:
        request = dict({"logGroupName": name}, **({"tags": tags} if tags else {}))
        if kms_key_id:
            request["kmsKeyId"] = kms_key_id
        calls.append(("create_log_group", request))
        if days is not None:
            calls.append(("put_retention_policy", {"logGroupName": name, "retentionInDays": days}))
        return calls, None, dict({"retention_days": days, "tags": dict(tags)},
                                 **({"kms_key_id": kms_key_id} if kms_key_id else {}))
    key_before, key_after = {}, {}
    if kms_key_id and found.get("kmsKeyId") != kms_key_id:
        calls.append(("associate_kms_key", {"logGroupName": name, "kmsKeyId": kms_key_id}))
        key_before, key_after = {"kms_key_id": found.get("kmsKeyId")}, {"kms_key_id": kms_key_id}
    current_days = found.get("retentionInDays")
    if days != current_days:
        calls.append(("put_retention_policy", {"logGroupName": name, "retentionInDays": days}) if days is not None
                     else ("delete_retention_policy", {"logGroupName": name}))
    to_add, to_remove = compare_aws_tags(current_tags, tags, purge_tags)
    if to_remove:
        calls.append(("untag_resource", {"resourceArn": arn_of(found), "tagKeys": sorted(to_remove)}))
    if to_add:
        calls.append(("tag_resource", {"resourceArn": arn_of(found), "tags": to_add}))
    after_tags = dict((k, v) for k, v in current_tags.items() if k not in to_remove)
    after_tags.update(to_add)
    return calls, dict({"retention_days": current_days, "tags": current_tags}, **key_before), \
        dict({"retention_days": days, "tags": after_tags}, **key_after)


def plan(options, existing, current_tags, tags, purge_tags, kms_key_id=None):
    """(calls, diff, log_groups) of state=present over every group."""
    calls, before, after, results = [], {}, {}, []
    for option in options:
        name = option["name"]
        found = existing.get(name)
        group_calls, group_before, group_after = plan_group(option, found, current_tags.get(name, {}), tags,
                                                            purge_tags, kms_key_id)
        if group_calls:
            calls += group_calls
            before[name], after[name] = group_before, group_after
        results.append(dict(group_after, name=name, arn=arn_of(found) if found else None, created=found is None))
    return calls, {"before": before, "after": after}, results


def plan_absent(names, existing):
    """(calls, diff, log_groups) of state=absent."""
    gone = [name for name in names if name in existing]
    return ([("delete_log_group", {"logGroupName": name}) for name in gone],
            {"before": dict((name, "present") for name in gone), "after": dict((name, "absent") for name in gone)},
            [])


def input_errors(options, state):
    """What is wrong with the log_groups option, or []: names listed twice, retentions AWS refuses (when present)."""
    names = [option["name"] for option in options]
    errors = ["%s listed more than once; list each log group once" % name
              for name in sorted(set(name for name in names if names.count(name) > 1))]
    if state == "present":
        errors += ["%s: retention_days %s is not one CloudWatch Logs accepts; choose one of %s (or null: never expire)"
                   % (option["name"], option["retention_days"], ", ".join(map(str, LOG_RETENTION_DAYS)))
                   for option in options if option["retention_days"] not in (None,) + LOG_RETENTION_DAYS]
    return errors


def ensure(module, client):
    params = module.params
    errors = input_errors(params["log_groups"], params["state"])
    if errors:
        module.fail_json(msg="log_groups: %s" % "; ".join(errors))
    names = [option["name"] for option in params["log_groups"]]
    existing = describe(client, names)
    if params["state"] == "absent":
        calls, diff, results = plan_absent(names, existing)
    else:
        tags = dict((to_text(k), to_text(v)) for k, v in params["tags"].items())
        calls, diff, results = plan(params["log_groups"], existing, read_tags(client, names, existing), tags,
                                    params["purge_tags"], params["kms_key_id"])
    if not module.check_mode:
        for method, request in calls:
            getattr(client, method)(**request)
    return bool(calls), {"log_groups": results, "diff": diff}


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            log_groups=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                retention_days=dict(type="int"),
            )),
            tags=dict(type="dict", default={}),
            purge_tags=dict(type="bool", default=True),
            kms_key_id=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    run(module, ensure, "logs")


if __name__ == "__main__":
    main()
