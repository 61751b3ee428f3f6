# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift rows from the check-mode, diff-mode results of the provisioning roles, and from the env files the client
role compared on each host. Controller only, no AWS calls.

The modules decide what differs (their own comparisons, run with check_mode and diff); this turns the
registered results into one row per difference: resource, field, what the inventory says, what AWS has.
In a diff, `after` is what the inventory asks for and `before` is what AWS has.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.funmagic.elasticache.plugins.module_utils.dashboard import widgets_by_title

ABSENT = "(absent)"
NOT_SET = "(not set)"
MASKED = "(masked)"
SECRET_WORDS = ("token", "password", "secret")
HEADER = ("resource", "field", "inventory", "AWS or host")


def _show(value):
    if value is None:
        return NOT_SET
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def _row(resource, field, inventory, aws):
    if any(word in field.lower() for word in SECRET_WORDS):
        inventory, aws = MASKED, MASKED
    return {"resource": resource, "field": field, "inventory": _show(inventory), "aws": _show(aws)}


def _canonical(value):
    return json.dumps(value, sort_keys=True)


def compare(resource, wanted, found, path=""):
    """Rows for every leaf where `wanted` (inventory) and `found` (AWS) differ; lists compare as sets."""
    if isinstance(wanted, dict) and isinstance(found, dict):
        rows = []
        for key in sorted(set(wanted) | set(found), key=str):
            field = "%s.%s" % (path, key) if path else str(key)
            rows += compare(resource, wanted.get(key), found.get(key), field)
        return rows
    if isinstance(wanted, list) and isinstance(found, list):
        wanted_set = dict((_canonical(v), v) for v in wanted)
        found_set = dict((_canonical(v), v) for v in found)
        return [_row(resource, path, wanted_set[k], ABSENT) for k in sorted(set(wanted_set) - set(found_set))] + \
            [_row(resource, path, ABSENT, found_set[k]) for k in sorted(set(found_set) - set(wanted_set))]
    if wanted != found:
        return [_row(resource, path, wanted, found)]
    return []


def _missing(resource):
    return [_row(resource, "(resource)", "present", ABSENT)]


def _diffs(result):
    diff = result.get("diff") or {}
    return diff if isinstance(diff, list) else [diff]


def security_group_rows(result):
    """funmagic.elasticache.security_group's diff spells each ingress rule as one text per source on both sides
    ("tcp 6379 from sg-0abc"), so the rule lists compare as sets."""
    rows = []
    for diff in _diffs(result):
        before, after = diff.get("before") or {}, diff.get("after") or {}
        resource = "security group %s" % (after.get("group_name") or before.get("group_name") or "?")
        if not before:
            rows += _missing(resource)
            continue
        rows += compare(resource, dict((k, v) for k, v in after.items() if k != "group_name"),
                        dict((k, v) for k, v in before.items() if k != "group_name"))
    return rows


def _named_rows(resource, result):
    """A module whose diff is {before, after} of one resource; before {} or {state: absent} when it is missing."""
    rows = []
    for diff in _diffs(result):
        before, after = diff.get("before"), diff.get("after") or {}
        if not before or before == {"state": "absent"}:
            rows += _missing(resource)
        else:
            rows += compare(resource, after, before)
    return rows


def subnet_group_rows(result):
    name = ((result.get("invocation") or {}).get("module_args") or {}).get("name") or "?"
    return _named_rows("subnet group %s" % name, result)


def parameter_group_rows(result):
    if "parameter_groups" in result:  # several groups in one module execution
        return [row for group in result["parameter_groups"] if group.get("changed")
                for row in parameter_group_rows(group)]
    resource = "parameter group %s" % (result.get("name") or (result.get("item") or {}).get("parameter_group", "?"))
    if not (result.get("parameter_group") or {}):
        return _missing(resource)
    return [row if row["field"].startswith("tags.") else dict(row, field="parameters.%s" % row["field"])
            for row in _named_rows(resource, result)]


def replication_group_rows(result):
    return _named_rows("replication group %s" % (result.get("item") or {}).get("replication_group_id", "?"), result)


def serverless_cache_rows(result):
    return _named_rows("serverless cache %s" % (result.get("item") or {}).get("replication_group_id", "?"), result)


def global_datastore_rows(result):
    return _named_rows("global datastore %s" % (result.get("item") or {}).get("replication_group_id", "?"), result)


def global_member_rows(result):
    """A secondary group of a global datastore: its loop item is (the instance, the Region)."""
    item = result.get("item") or [{}, "?"]
    return _named_rows("replication group %s in %s" % (item[0].get("replication_group_id", "?"), item[1]), result)


def _keyed_rows(kind, result):
    """A batch module's diff (metric_alarms, log_groups): {before, after}, each name -> that resource."""
    rows = []
    for diff in _diffs(result):
        before, after = diff.get("before") or {}, diff.get("after") or {}
        for name in sorted(set(before) | set(after)):
            resource = "%s %s" % (kind, name)
            if before.get(name) is None and after.get(name) not in (None, "absent"):
                rows += _missing(resource)
            else:
                rows += compare(resource, after.get(name), before.get(name))
    return rows


def alarm_rows(result):
    return _keyed_rows("alarm", result)


def log_group_rows(result):
    return _keyed_rows("log group", result)


def kms_key_rows(result):
    """amazon.aws.kms_key in check mode: a change means the key or one of its settings is not as the inventory asks."""
    aliases = result.get("aliases") or [((result.get("invocation") or {}).get("module_args") or {}).get("alias", "?")]
    return [_row("KMS key %s" % aliases[0], "(key, rotation, policy or tags)", "as the inventory asks", "differs")]


def user_rows(result):
    return _keyed_rows("user", result)


def user_group_rows(result):
    return _keyed_rows("user group", result)


def secret_rows(result):
    """funmagic.elasticache.generated_secrets (cache_secrets: secretsmanager): a secret missing, or its description, KMS
    key, tags or staging labels changed by hand. Its diff never holds a value."""
    return _keyed_rows("secret", result)


def dashboard_rows(result):
    """funmagic.elasticache.dashboard: one row per widget (by its title) that differs, or the dashboard missing."""
    resource = "dashboard %s" % (result.get("name") or "?")
    rows = []
    for diff in _diffs(result):
        if not diff.get("before"):
            rows += _missing(resource)
        else:
            rows += compare(resource, widgets_by_title(diff.get("after")), widgets_by_title(diff.get("before")))
    return rows


def env_file_rows(result):
    """The differences the client role's drift entry point published for one host (client_results): values are
    masked by env_file_drift already."""
    return [_row("host %s: %s" % (result["host"], d["path"]), d["variable"], d["inventory"], d["host"])
            for d in (result.get("env_files") or {}).get("differences") or []]


# The registered results of the provisioning roles, and how each one's diff becomes rows.
BUILDERS = {
    "security_group": security_group_rows,
    "subnet_group": subnet_group_rows,
    "region_security_groups": security_group_rows,
    "region_subnet_groups": subnet_group_rows,
    "kms_key": kms_key_rows,
    "secrets": secret_rows,
    "users": user_rows,
    "user_groups": user_group_rows,
    "parameter_groups": parameter_group_rows,
    "replication_groups": replication_group_rows,
    "serverless_caches": serverless_cache_rows,
    "global_datastores": global_datastore_rows,
    "global_members": global_member_rows,
    "log_groups": log_group_rows,
    "alarms": alarm_rows,
    "dashboard": dashboard_rows,
    "env_files": env_file_rows,
}
# Read-only results that carry their differences themselves (they never report a change).
READ_ONLY_KINDS = ("env_files",)
# Results whose diff can show what AWS cannot change in place, and so is reported without a change (a replication
# group's nodes in other zones than preferred_azs): their diff counts even when they did not change.
DIFF_WITHOUT_CHANGE_KINDS = ("replication_groups",)
# What a role publishes beside its results that is a plan, not a result: a TLS move or a move to RBAC shows in
# replication_groups.
PLAN_KINDS = ("tls_moves", "rbac_moves")


def rows(results):
    """Every difference in `results` ({kind: registered result, a loop's included}) as rows, in BUILDERS order.

    A result that changed but whose diff shows no field still makes a row, so no drift goes unreported.
    """
    unknown = sorted(set(results) - set(BUILDERS) - set(PLAN_KINDS))
    if unknown:
        raise ValueError("results: unknown kinds %s; expected some of %s" % (", ".join(unknown), ", ".join(BUILDERS)))
    found = []
    for kind, build in BUILDERS.items():
        result = results.get(kind) or {}
        for item in result.get("results", [result]) if isinstance(result, dict) else []:
            if item.get("skipped") or not (item.get("changed") or kind in READ_ONLY_KINDS or (
                    kind in DIFF_WITHOUT_CHANGE_KINDS and any(d.get("after") for d in _diffs(item)))):
                continue
            built = build(item)
            if not built and item.get("changed"):
                built = [_row(kind, "(changed, no field in the diff)", "?", "?")]
            found += built
    return found


def table(found):
    """The rows as aligned text lines, a header first; [] when there are none."""
    if not found:
        return []
    lines = [HEADER] + [(r["resource"], r["field"], r["inventory"], r["aws"]) for r in found]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    return [" | ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
