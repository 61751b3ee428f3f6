# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""funmagic.elasticache.compliance_report: the compliance controls scored on described replication groups.

The scoring is plugins/plugin_utils/compliance.py; plugins/modules/compliance_report.py holds the documentation and
module_utils/compliance_options.py the options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.funmagic.elasticache.plugins.module_utils.compliance_options import ARGUMENT_SPEC
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import compliance


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation  # validate_argument_spec raises AnsibleActionFail, naming the argument, on any error
        low, high = compliance.RETENTION_RANGE
        errors = compliance.exception_errors(args["accepted_exceptions"],
                                             [spec.get("name") for spec in args["instances"]])
        if not low <= args["min_snapshot_retention"] <= high:
            errors.append("min_snapshot_retention: Security Hub takes %d to %d days, got %d"
                          % (low, high, args["min_snapshot_retention"]))
        if errors:
            raise AnsibleActionFail("Invalid inputs (%d problem%s), nothing was scored:\n- %s"
                                    % (len(errors), "" if len(errors) == 1 else "s", "\n- ".join(errors)))
        rows = compliance.score(args["replication_groups"], args["instances"], args["accepted_exceptions"],
                                args["kms_key"], args["min_snapshot_retention"], args["serverless_caches"])
        unused = compliance.unused_exceptions(rows, args["accepted_exceptions"])
        failed = compliance.failing(rows)
        result.update(changed=False, passed=not failed, rows=rows, failed_controls=failed,
                      accepted=compliance.accepted(rows), unused_exceptions=unused, table=compliance.table(rows),
                      accepted_table=compliance.accepted_table(rows), report=compliance.report(rows, unused),
                      msg=compliance.summary(rows, unused))
        if failed and args["fail_on_failure"]:
            result["failed"] = True
        return result
