# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of funmagic.elasticache.compliance_report, declared once: the module stub
(plugins/modules/compliance_report.py, which ansible-doc and validate-modules read) and the action that runs on the
controller (plugins/action/compliance_report.py, which checks its task's arguments with it) share this spec."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ARGUMENT_SPEC = dict(
    replication_groups=dict(type="list", elements="dict", required=True),
    instances=dict(type="list", elements="dict", required=True),
    serverless_caches=dict(type="list", elements="dict", default=[]),
    kms_key=dict(type="dict", no_log=False),  # a mode and an ARN, no secret
    accepted_exceptions=dict(type="list", elements="raw", default=[]),
    min_snapshot_retention=dict(type="int", default=1),
    fail_on_failure=dict(type="bool", default=True),
)
