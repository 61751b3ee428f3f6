# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""funmagic.elasticache.drift_report: the drift table from the provisioning roles' check-mode results.

The rows come from plugins/plugin_utils/drift.py; plugins/modules/drift_report.py holds the documentation.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import drift


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("results", "fail_on_drift"))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        if not isinstance(args.get("results"), dict):
            raise AnsibleActionFail("results: must be a mapping of kind to registered result, one of %s"
                                    % ", ".join(drift.BUILDERS))
        try:
            rows = drift.rows(args["results"])
        except ValueError as e:
            raise AnsibleActionFail(str(e))
        lines = drift.table(rows)
        result.update(changed=False, drift=bool(rows), rows=rows, table=lines)
        if rows and args.get("fail_on_drift", True):
            result["failed"] = True
            result["msg"] = "Drift: %d difference(s) between the inventory and AWS or the hosts.\n%s" % (len(rows), "\n".join(lines))
        else:
            result["msg"] = "Drift: %d difference(s) between the inventory and AWS or the hosts." % len(rows)
        return result
