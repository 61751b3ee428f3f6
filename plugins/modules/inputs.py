#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: inputs
short_description: Check every input of the collection's roles at once, and resolve the model they use
version_added: 0.2.0
description:
  - Runs on the controller (an action plugin). Every playbook of the collection that changes something starts
    with it, so that bad input stops the run before any AWS call that changes anything, in check mode too.
  - >-
    Reads the roles' inputs as Ansible layers them (the roles' defaults under the inventory's values), checks
    types, known keys, ranges, names, windows, node types, tokens, file modes and production safety, and reports
    every problem at once, each naming the variable path, for example
    "cache_instances[1] (queue).replicas: must be between 0 and 5, got 7".
  - Returns the resolved model (derived names, instance specs, client settings per host). It holds no secret.
author:
  - Funmagic Platform Team (@funmagic)
options:
  roles:
    description: The roles whose inputs are checked.
    type: list
    elements: str
    choices: [network, cache, monitoring, client, destroy]
    default: [network, cache, monitoring, client, destroy]
  client_hosts:
    description: The application hosts whose C(client_*) variables are checked. The current host when omitted.
    type: list
    elements: str
  discover:
    description:
      - Also look up, read-only, what must exist in AWS (the VPC, subnets in two availability zones, the application
        security group, the SNS topics of the alarms) with M(funmagic.elasticache.prerequisites_info).
    type: bool
    default: false
  describe:
    description:
      - Also describe the replication groups and return C(connections) (endpoint, port, TLS, whether a token is
        used) and C(alarms) for the instances that exist, and C(missing) for those that do not.
    type: bool
    default: false
  reuse:
    description:
      - With I(describe), use the replication groups as they were last described in this run (by the preflight with
        I(remember=true), or by the cache role's wait), for the same region, endpoint and ids, instead of
        describing them again. Describes them when nothing was remembered.
    type: bool
    default: false
    version_added: 0.2.0
  remember:
    description:
      - With I(describe), C(true) remembers the description for later I(reuse) in this run (fact
        C(funmagic_elasticache_groups), on the host the task runs or is delegated to with C(delegate_facts));
        C(false) forgets what was remembered, for the roles that are about to change the groups.
      - Omitted, what was remembered is left as it is.
    type: bool
    version_added: 0.2.0
  rotation:
    description: Whether an AUTH token rotation is under way (C(cache_auth_tokens_next) is then checked too).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - The AUTH tokens are read from C(cache_auth_tokens) only to be checked; they are never returned.
"""

EXAMPLES = r"""
- name: Check every input before anything changes
  funmagic.elasticache.inputs:
    roles: [network, cache, monitoring, client]
    client_hosts: "{{ query('inventory_hostnames', 'app') }}"
    discover: true
"""

RETURN = r"""
model:
  description: The resolved inputs.
  returned: success
  type: dict
  contains:
    prefix:
      description: C(cache_name_prefix).
      type: str
    port:
      description: The Redis port of the security group rule and of the replication groups.
      type: int
    instances:
      description: One spec per instance, defaults merged, ids prefixed, queue parameters added, no token.
      type: list
      elements: dict
    network:
      description: The security group, subnet group and application security group names; with I(discover), the ids.
      type: dict
    clients:
      description: Host to its env file settings and workers.
      type: dict
    connections:
      description: With I(describe), instance name to endpoint, port, tls, auth and a redacted URL.
      type: dict
    describe_key:
      description: With I(describe), what identifies the description (region, endpoint, profile, ids) for I(reuse).
      type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            roles=dict(type="list", elements="str", choices=["network", "cache", "monitoring", "client", "destroy"],
                       default=["network", "cache", "monitoring", "client", "destroy"]),
            client_hosts=dict(type="list", elements="str"),
            discover=dict(type="bool", default=False),
            describe=dict(type="bool", default=False),
            reuse=dict(type="bool", default=False),
            remember=dict(type="bool"),
            rotation=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.fail_json(msg="funmagic.elasticache.inputs runs on the controller as an action plugin; "
                         "call it as a task, not as a module")


if __name__ == "__main__":
    main()
