#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: env_file_drift
short_description: Compare env files on a host with what they should hold, without showing a secret
version_added: 0.2.0
description:
  - Read-only. For each worker, reads its env file on the host and compares it, variable by variable, with the text
    the client role writes (the same C(redis_env) text). Returns one difference per variable that differs, with the
    tokens and passwords in URLs masked on both sides.
  - The drift report (C(playbooks/drift.yml)) runs it on every application host through the client role's C(drift)
    entry point.
author:
  - Funmagic Platform Team (@funmagic)
options:
  connections:
    description: Instance name to its connection facts, as M(funmagic.elasticache.inputs) returns them (C(connections)).
    type: dict
    required: true
  workers:
    description:
      - The host's workers as M(funmagic.elasticache.inputs) resolves them (C(clients[host].workers)); each names its
        C(env_file).
    type: list
    elements: dict
    required: true
  tokens:
    description: Instance name to its AUTH token (C(cache_auth_tokens)); the URLs are built with them and never shown.
    type: dict
    default: {}
  passwords:
    description:
      - Instance name to worker name to the password of that worker's user (C(cache_user_passwords)), for the
        instances with C(access=rbac); the URLs are built with them and never shown.
      - A worker without a password on such an instance fails the task, naming the variable to set.
    type: dict
    default: {}
    version_added: 0.3.0
notes:
  - Supports check mode; it never changes anything.
"""

EXAMPLES = r"""
- name: Compare every env file of the host with what the inventory says
  funmagic.elasticache.env_file_drift:
    connections: "{{ inputs.model.connections }}"
    workers: "{{ inputs.model.clients[inventory_hostname].workers }}"
    tokens: "{{ cache_auth_tokens }}"
    passwords: "{{ cache_user_passwords }}"
"""

RETURN = r"""
differences:
  description:
    - One per variable that differs; URLs are shown with the token or password masked. A URL that differs only in
      its secret shows the same masked URL on both sides, the host's marked C((another token)) or
      C((another password)).
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The env file.
      type: str
    variable:
      description: The variable, for example C(REDIS_QUEUE_URL); C((file)) when the file does not exist.
      type: str
    inventory:
      description: The value the inventory gives it, masked.
      type: str
    host:
      description: The value in the file, masked; C((absent)) when the file does not set it.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import env_differences
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_env


def differences(connections, workers, tokens, passwords=None):
    found = []
    for worker in workers:
        path = worker["env_file"]
        try:
            with open(path, encoding="utf-8") as handle:
                actual = handle.read()
        except FileNotFoundError:
            found.append({"path": path, "variable": "(file)", "inventory": "present", "host": "(absent)"})
            continue
        expected = redis_env(connections, worker, tokens, passwords)
        found.extend({"path": path, "variable": name, "inventory": inventory, "host": host}
                     for name, inventory, host in env_differences(expected, actual))
    return found


def main():
    module = AnsibleModule(
        argument_spec=dict(
            connections=dict(type="dict", required=True),
            workers=dict(type="list", elements="dict", required=True),
            tokens=dict(type="dict", default={}, no_log=True),
            passwords=dict(type="dict", default={}, no_log=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        found = differences(params["connections"], params["workers"], params["tokens"], params["passwords"])
    except OSError as e:
        module.fail_json(msg="Could not read an env file: %s" % e)
    except ValueError as e:
        # redis_env's messages name the variable to set, never a value.
        module.fail_json(msg="Could not build the env files' text: %s" % e)
    module.exit_json(changed=False, differences=found)


if __name__ == "__main__":
    main()
