"""Counts the module executions each host ran: the bench's and the cost test's measure of a playbook's per-host cost.

Enable with ANSIBLE_CALLBACK_PLUGINS=tests/callbacks and ANSIBLE_CALLBACKS_ENABLED=module_executions; the counts
are printed after the recap ("MODULE EXECUTIONS: host=N ...") and, with FUNMAGIC_EXECUTIONS_FILE set, written there
as JSON ({host: {"total": N, "tasks": {task name: n}}}).

What counts: one per host (or per loop item) that ran a module and returned ok or failed, on the host it ran on
(a delegated task counts on its delegate). Skipped tasks and items do not run anything. Actions that run only on the
controller (debug, assert, set_fact, include_vars, meta, the collection's controller-side action plugins...) are
not executions on any host.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: module_executions
type: aggregate
short_description: Counts the module executions of each host (the test bed's bench)
description: Counts per host the task results (and loop items) that ran a module, skipped ones excluded.
requirements: [enable in the configuration]
"""

CONTROLLER_ONLY = {
    "debug", "assert", "set_fact", "include_vars", "meta", "fail", "add_host", "group_by", "pause",
    "set_stats", "include_role", "include_tasks", "import_role", "import_tasks", "validate_argument_spec",
    "inputs", "compliance_report", "drift_report",
}


def short(action):
    return (action or "").rsplit(".", 1)[-1]


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "module_executions"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = defaultdict(lambda: defaultdict(int))

    def _count(self, result):
        task = result._task
        if short(task.action) in CONTROLLER_ONLY:
            return
        delegated = result._result.get("_ansible_delegated_vars") or {}
        host = delegated.get("ansible_delegated_host") or result._host.get_name()
        self.counts[host][task.get_name()] += 1

    def _count_unlooped(self, result):
        if not (result._task.loop or result._task.loop_with):  # a loop's items were counted one by one
            self._count(result)

    def v2_runner_on_ok(self, result):
        self._count_unlooped(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count_unlooped(result)

    def v2_runner_item_on_ok(self, result):
        self._count(result)

    def v2_runner_item_on_failed(self, result):
        self._count(result)

    def v2_playbook_on_stats(self, stats):
        totals = {host: {"total": sum(tasks.values()), "tasks": dict(tasks)} for host, tasks in self.counts.items()}
        self._display.display("MODULE EXECUTIONS: " + " ".join(f"{host}={totals[host]['total']}"
                                                               for host in sorted(totals)))
        path = os.environ.get("FUNMAGIC_EXECUTIONS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(totals, handle, indent=1, sort_keys=True)
