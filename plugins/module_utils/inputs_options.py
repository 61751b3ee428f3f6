# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of funmagic.elasticache.inputs, declared once: the module stub (plugins/modules/inputs.py, which
ansible-doc and validate-modules read) and the action that runs on the controller (plugins/action/inputs.py, which
checks its task's arguments with it) share this spec."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The roles whose inputs the action checks; without `roles`, all but the failover drill's (its instance is required)
# and the compliance report's (read-only, run on its own).
ROLES = ("network", "cache", "monitoring", "client", "destroy", "failover_drill", "compliance")
DEFAULT_ROLES = ("network", "cache", "monitoring", "client", "destroy")

ARGUMENT_SPEC = dict(
    roles=dict(type="list", elements="str", choices=list(ROLES), default=list(DEFAULT_ROLES)),
    client_hosts=dict(type="list", elements="str"),
    discover=dict(type="bool", default=False),
    describe=dict(type="bool", default=False),
    reuse=dict(type="bool", default=False),
    remember=dict(type="bool"),
    record=dict(type="dict", options=dict(
        replication_groups=dict(type="list", elements="dict"),
        serverless_caches=dict(type="list", elements="dict"),
        redis_security_group_id=dict(type="str"),
    )),
    rotation=dict(type="bool", default=False),
)
