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
  - Runs the real C(redis-cli) (or C(redis6-cli)) on the host, as an operator or a script on the host would, and
    checks that each instance answers C(PONG), all in one execution for every instance and every worker of the host.
  - An instance with C(access=token) is PINGed once, with its token. An instance with C(access=rbac) is PINGed once
    per worker that has a user there (the worker's C(users)), as that user (C(--user USER)) with its password.
  - The token or password reaches redis-cli through C(REDISCLI_AUTH) in its environment, never on its command line.
  - redis-cli exits 0 whatever the answer, and prints a refused token on stderr; this module reads both and names
    what went wrong, no token or password sent (C(noauth)), a token, user or password refused (C(auth)), a user
    without permission (C(noperm)), a name that does not resolve (C(dns)), a refused connection (C(tcp)), no answer
    in time (C(timeout)), a failed TLS handshake (C(tls)), or anything else (C(protocol)), with what to check. No
    token or password is in any message.
  - redis-cli 7.0 has no connect timeout of its own, and a TLS client on a plain port waits for ever, so each
    command runs under the host's C(timeout) (coreutils) when the host has it.
  - For a worker with C(refused_keys), after PONG it runs C(EXISTS KEY) as the worker's user (a read that returns no
    value) and requires Redis to answer C(NOPERM), the proof that the user cannot reach another worker's keys.
  - The client role runs it on every application host; M(funmagic.elasticache.redis_ping) then checks the same
    endpoints with TLS verified in Python.
author:
  - Funmagic Platform Team (@funmagic)
options:
  cli:
    description:
      - The redis-cli command of the host (C(redis-cli) on Debian and Ubuntu, C(redis6-cli) on Amazon Linux), or
        several, the first one found on the host's PATH being used (a play that gathered no facts does not know the
        OS).
      - When none is found, the task fails naming them, before any PING.
    type: list
    elements: str
    default: [redis-cli]
  timeout:
    description: Seconds one redis-cli command may take before it is stopped and reported as C(timeout).
    type: int
    default: 10
    version_added: 0.4.0
  hosts_file:
    description:
      - Before any PING, require every connection's endpoint in this file (C(/etc/hosts)) and fail naming the first
        missing one, so that nothing resolves it through DNS.
    type: path
    version_added: 0.4.0
  connections:
    description:
      - Instance name to its connection facts (C(endpoint), C(port), C(tls), C(cluster), C(access)), as
        M(funmagic.elasticache.inputs) returns them in C(connections). C(access) is C(token) when absent.
    type: dict
    required: true
  tokens:
    description: Instance name to its AUTH token; an instance without one is PINGed without a token.
    type: dict
    default: {}
  workers:
    description:
      - The host's workers, as M(funmagic.elasticache.inputs) returns them in C(clients[host].workers); only C(name),
        C(users), C(refused_keys), C(instances) and C(read_from_replicas) are read.
      - For each purpose in a worker's C(read_from_replicas), the instance's reader endpoint is PINGed too, as
        C(<name> (reader)), with the instance's token or the worker's user.
      - C(users) maps an instance with C(access=rbac) to the worker's user name there; C(refused_keys) maps it to a
        key of another worker that this user must be refused (C(NOPERM)).
      - An instance with C(access=rbac) that no worker has a user on is not PINGed (there is no user to PING as).
    type: list
    elements: dict
    default: []
    version_added: 0.3.0
  passwords:
    description: Instance name to worker name to the password of that worker's user (C(cache_user_passwords)).
    type: dict
    default: {}
    version_added: 0.3.0
  rotating:
    description:
      - The instances whose token comes from C(cache_auth_tokens_next) (during a rotation), so that a message names
        the variable to check.
    type: list
    elements: str
    default: []
  rotating_users:
    description:
      - Instance name to the workers whose password comes from C(cache_user_passwords_next) (during a rotation), so
        that a message names the variable to check.
    type: dict
    default: {}
    version_added: 0.3.0
notes:
  - Supports check mode; it changes nothing, and does not PING in check mode.
"""

EXAMPLES = r"""
- name: PING every instance with redis-cli
  funmagic.elasticache.redis_cli_ping:
    connections: "{{ inputs.model.connections }}"
    tokens: "{{ cache_auth_tokens }}"

- name: PING every instance, the rbac ones as each worker's user, and prove that each is refused on another's keys
  funmagic.elasticache.redis_cli_ping:
    connections: "{{ inputs.model.connections }}"
    tokens: "{{ cache_auth_tokens }}"
    workers: "{{ inputs.model.clients[inventory_hostname].workers }}"
    passwords: "{{ cache_user_passwords }}"
"""

RETURN = r"""
answers:
  description: One per instance with a token (or none), and one per (instance, worker) with access rbac; in instance
    name order, then worker name order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The instance.
      type: str
    worker:
      description: The worker whose user was used, for an instance with access rbac; else null.
      type: str
      version_added: 0.3.0
    user:
      description: The user redis-cli authenticated as (C(--user)), for an instance with access rbac; else null.
      type: str
      version_added: 0.3.0
    pong:
      description: Whether redis-cli got PONG.
      type: bool
    cause:
      description: >-
        C(noauth), C(auth), C(noperm), C(dns), C(tcp), C(timeout), C(tls) or C(protocol) when there was no PONG,
        else null.
      type: str
    message:
      description: "C(<name>: PONG (redis-cli)) (C(<name> as <user>: ...) for a user), or what went wrong and what to
        check."
      type: str
    refused_key:
      description: The key of another worker the user was tried on, when the worker has one there; else null.
      type: str
      version_added: 0.3.0
    refused:
      description: Whether Redis answered C(NOPERM) to C(EXISTS refused_key); null when not tried.
      type: bool
      version_added: 0.3.0
    refusal:
      description: What the NOPERM proof found, naming the user and the key; null when not tried.
      type: str
      version_added: 0.3.0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cli_answer
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cli_refusal
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import identities
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import missing_from_hosts
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import with_readers


TIMED_OUT = 124  # coreutils timeout's exit code when it stopped the command


def run(module, connection, secret, user, *command):
    """(stdout, stderr, timed_out) of one redis-cli command; the token or password goes in the environment, never in
    argv. timed_out: the timeout in seconds when the host's `timeout` stopped redis-cli, else None."""
    stopper = module.get_bin_path("timeout")
    argv = [stopper, "-k", "2", str(module.params["timeout"])] if stopper else []
    argv += [module.params["cli"][0], "-h", connection["endpoint"], "-p", str(connection["port"])]
    argv += ["--tls"] if connection.get("tls") else []
    argv += ["-c"] if connection.get("cluster") else []
    argv += ["--user", user] if user else []
    rc, stdout, stderr = module.run_command(argv + list(command),
                                            environ_update={"REDISCLI_AUTH": secret} if secret else None)
    return stdout, stderr, module.params["timeout"] if stopper and rc == TIMED_OUT else None


def check(module, name, connection, worker, user, secret, where, refused_key):
    """One answer: PONG, then (for a user with a refused key) the NOPERM proof."""
    answer = {"name": name, "worker": worker, "user": user, "refused_key": refused_key, "refused": None,
              "refusal": None}
    if user and not secret:
        answer.update(pong=False, cause="noauth",
                      message="%s as %s: no password to PING with: set %s." % (name, user, where))
        return answer
    stdout, stderr, timed_out = run(module, connection, secret, user, "PING")
    answer["pong"], answer["cause"], answer["message"] = cli_answer(name, stdout, stderr, user=user, where=where,
                                                                    timed_out=timed_out)
    if answer["pong"] and refused_key:
        stdout, stderr, _timed_out = run(module, connection, secret, user, "EXISTS", refused_key)
        answer["refused"], answer["refusal"] = cli_refusal(name, user, refused_key, stdout, stderr)
    return answer


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cli=dict(type="list", elements="str", default=["redis-cli"]),
            timeout=dict(type="int", default=10),
            hosts_file=dict(type="path"),
            connections=dict(type="dict", required=True),
            tokens=dict(type="dict", default={}, no_log=True),
            workers=dict(type="list", elements="dict", default=[]),
            passwords=dict(type="dict", default={}, no_log=True),
            rotating=dict(type="list", elements="str", default=[]),
            rotating_users=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    if not module.check_mode and module.params["hosts_file"]:
        connections = with_readers(module.params["connections"], module.params["workers"])
        with open(module.params["hosts_file"]) as handle:
            missing = missing_from_hosts(handle.read(), [connections[name]["endpoint"] for name in sorted(connections)])
        if missing:
            module.fail_json(msg="%s is not in %s; resolving it would query DNS."
                             % (missing[0], module.params["hosts_file"]))
    if not module.check_mode:
        found = [name for name in module.params["cli"] if module.get_bin_path(name)]
        if not found:
            module.fail_json(msg="%s: not found on this host's PATH; playbooks/configure_hosts.yml installs it."
                             % " or ".join(module.params["cli"]))
        module.params["cli"] = found
    p = module.params
    answers = [] if module.check_mode else [check(module, **identity) for identity in identities(
        p["connections"], p["tokens"], p["workers"], p["passwords"], p["rotating"], p["rotating_users"])]
    failures = [a["message"] for a in answers if not a["pong"]]
    failures += [a["refusal"] for a in answers if a["refused"] is False]
    summary = [a["message"] for a in answers] + [a["refusal"] for a in answers if a["refused"]]
    if failures:
        module.fail_json(msg=" ".join(failures), answers=answers)
    module.exit_json(changed=False, answers=answers, msg=", ".join(summary))


if __name__ == "__main__":
    main()
