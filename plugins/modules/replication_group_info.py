#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: replication_group_info
short_description: Describe ElastiCache replication groups
version_added: 0.1.0
description:
  - Returns one replication group by id, or all of them, with endpoints, member settings and tags.
author:
  - Funmagic Platform Team (@funmagic)
options:
  replication_group_id:
    description: The group to describe. All groups when omitted.
    type: str
    aliases: [id, name]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Endpoints of the queue instance
  funmagic.elasticache.replication_group_info:
    replication_group_id: app-queue
  register: queue
"""

RETURN = r"""
replication_groups:
  description: The groups, as the replication_group module returns one. Empty when the id does not exist.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import AWS_ERRORS
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_replication_group
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import group_result
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import paginate
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import retrying_client


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(replication_group_id=dict(type="str", aliases=["id", "name"])),
        supports_check_mode=True,
    )
    client = retrying_client(module, "elasticache")
    group_id = module.params["replication_group_id"]
    try:
        if group_id:
            found = describe_replication_group(client, group_id.lower())
            groups = [found] if found else []
        else:
            groups = paginate(client, "describe_replication_groups", "ReplicationGroups")
        results = [group_result(client, group)[0] for group in groups]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe replication groups")
    module.exit_json(changed=False, replication_groups=results)


if __name__ == "__main__":
    main()
