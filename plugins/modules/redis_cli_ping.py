#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: redis_cli_ping
short_description: PING every instance with the host's own redis-cli, and say why one did not answer PONG
version_added: 0.2.0
description:
  - Runs the real C(redis-cli) (or C(redis6-cli)) on the host, once per instance, as an operator or a script on the
    host would, and checks that each answers C(PONG).
  - The token reaches redis-cli through C(REDISCLI_AUTH) in its environment, never on its command line.
  - redis-cli exits 0 whatever the answer, and prints a refused token on stderr; this module reads both and names
    what went wrong, no token sent (C(noauth)), a token refused (C(auth)), a user without permission (C(noperm)), or
    anything else (C(protocol)), with the variable to check. No token is in any message.
  - The client role runs it on every application host; M(funmagic.elasticache.redis_ping) then checks the same
    endpoints with TLS verified in Python.
author:
  - Funmagic Platform Team (@funmagic)
options:
  cli:
    description: The redis-cli command of the host (C(redis-cli) on Debian and Ubuntu, C(redis6-cli) on Amazon Linux).
    type: str
    default: redis-cli
  connections:
    description:
      - Instance name to its connection facts (C(endpoint), C(port), C(tls), C(cluster)), as
        M(funmagic.elasticache.inputs) returns them in C(connections).
    type: dict
    required: true
  tokens:
    description: Instance name to its AUTH token; an instance without one is PINGed without a token.
    type: dict
    default: {}
  rotating:
    description:
      - The instances whose token comes from C(cache_auth_tokens_next) (during a rotation), so that a message names
        the variable to check.
    type: list
    elements: str
    default: []
notes:
  - Supports check mode; it changes nothing, and does not PING in check mode.
"""

EXAMPLES = r"""
- name: PING every instance with redis-cli
  funmagic.elasticache.redis_cli_ping:
    connections: "{{ inputs.model.connections }}"
    tokens: "{{ cache_auth_tokens }}"
"""

RETURN = r"""
answers:
  description: One per instance, in name order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The instance.
      type: str
    pong:
      description: Whether redis-cli got PONG.
      type: bool
    cause:
      description: C(noauth), C(auth), C(noperm) or C(protocol) when there was no PONG, else null.
      type: str
    message:
      description: "C(<name>: PONG (redis-cli)), or what went wrong and what to check."
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cli_answer


def ping(module, connection, token):
    """(stdout, stderr) of one `redis-cli PING`; the token goes in the environment, never in argv."""
    argv = [module.params["cli"], "-h", connection["endpoint"], "-p", str(connection["port"])]
    argv += ["--tls"] if connection.get("tls") else []
    argv += ["-c"] if connection.get("cluster") else []
    _rc, stdout, stderr = module.run_command(argv + ["PING"], environ_update={"REDISCLI_AUTH": token} if token else None)
    return stdout, stderr


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cli=dict(type="str", default="redis-cli"),
            connections=dict(type="dict", required=True),
            tokens=dict(type="dict", default={}, no_log=True),
            rotating=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    answers = []
    for name in [] if module.check_mode else sorted(params["connections"]):
        stdout, stderr = ping(module, params["connections"][name], params["tokens"].get(name))
        variable = "cache_auth_tokens_next" if name in params["rotating"] else "cache_auth_tokens"
        pong, cause, message = cli_answer(name, stdout, stderr, variable)
        answers.append({"name": name, "pong": pong, "cause": cause, "message": message})
    failures = [a["message"] for a in answers if not a["pong"]]
    if failures:
        module.fail_json(msg=" ".join(failures), answers=answers)
    module.exit_json(changed=False, answers=answers, msg=", ".join(a["message"] for a in answers))


if __name__ == "__main__":
    main()
