#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: redis_ping
short_description: Check that a Redis endpoint answers PONG, and say why not
version_added: 0.1.0
description:
  - Runs on the host that will use Redis, with Python's standard library only.
  - Connects over TCP or TLS (certificate and host name verified, SNI set), authenticates if asked, sends PING.
  - On failure it names the cause (C(dns), C(tcp), C(timeout), C(tls), C(auth) or C(protocol)) with a hint.
author:
  - Funmagic Platform Team (@funmagic)
options:
  host:
    description: The endpoint's host name, e.g. the primary endpoint address.
    type: str
    required: true
  port:
    description: The port.
    type: int
    default: 6379
  tls:
    description: Use TLS (rediss://). Verification is always on.
    type: bool
    default: true
  ca_file:
    description: CA bundle to verify the server certificate with. The system trust store when omitted.
    type: path
  user:
    description: ACL user name. Plain C(AUTH token) when omitted.
    type: str
  password:
    description: The AUTH token.
    type: str
    aliases: [auth_token]
  timeout:
    description: Seconds to wait for the connection and for each answer.
    type: float
    default: 5
  fail_on_error:
    description: Fail the task when there is no PONG. When false, return I(pong=false) with I(cause).
    type: bool
    default: true
notes:
  - Supports check mode; it changes nothing.
"""

EXAMPLES = r"""
- name: The queue instance answers over TLS with its token
  funmagic.elasticache.redis_ping:
    host: master.app-queue.abc123.use1.cache.amazonaws.com
    password: "{{ vault_redis_token }}"
"""

RETURN = r"""
pong:
  description: Whether PONG came back.
  returned: always
  type: bool
latency_ms:
  description: Milliseconds from connect to PONG.
  returned: when I(pong=true)
  type: float
tls_version:
  description: The negotiated TLS version.
  returned: when I(tls=true) and the handshake succeeded
  type: str
  sample: TLSv1.3
peer_subject:
  description: Subject of the server certificate.
  returned: when I(tls=true) and the handshake succeeded
  type: str
peer_not_after:
  description: Expiry of the server certificate.
  returned: when I(tls=true) and the handshake succeeded
  type: str
cause:
  description: Why there was no PONG; one of dns, tcp, timeout, tls, auth, protocol.
  returned: when I(pong=false)
  type: str
hint:
  description: What to check for that cause.
  returned: when I(pong=false)
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping


def probe(p):
    """(failed, result) of one PING: failed only when there was no PONG and fail_on_error is set."""
    try:
        return False, ping(p["host"], p["port"], p["tls"], p["ca_file"], p["user"], p["password"], p["timeout"])
    except ProbeError as e:
        message = "No PONG from %s:%d (%s): %s" % (p["host"], p["port"], e.cause, e.hint)
        return p["fail_on_error"], {"msg": message, "pong": False, "cause": e.cause, "hint": e.hint}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host=dict(type="str", required=True),
            port=dict(type="int", default=6379),
            tls=dict(type="bool", default=True),
            ca_file=dict(type="path"),
            user=dict(type="str"),
            password=dict(type="str", no_log=True, aliases=["auth_token"]),
            timeout=dict(type="float", default=5),
            fail_on_error=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    failed, result = probe(module.params)
    if failed:
        module.fail_json(**result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
