# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cache parameter values: normalise what YAML gives to what ElastiCache stores, and diff them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

FAMILIES = ("redis6.x", "redis7", "valkey7", "valkey8")
MAX_PER_REQUEST = 20  # ModifyCacheParameterGroup takes at most 20 parameters per call


def normalise(value, allowed_values=None):
    """ElastiCache stores every value as a string: True -> 'yes' where yes/no is allowed, 300 -> '300'."""
    if isinstance(value, bool):
        choices = (allowed_values or "").split(",")
        if "yes" in choices:
            return "yes" if value else "no"
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def diff(wanted, current):
    """(changes, unknown): parameters whose normalised value differs, and names the group does not have.

    wanted: name -> value as the user wrote it; current: name -> {"value": str, "allowed": str, "modifiable": bool}.
    """
    changes, unknown = {}, []
    for name in sorted(wanted):
        if name not in current:
            unknown.append(name)
            continue
        value = normalise(wanted[name], current[name].get("allowed"))
        if value != current[name]["value"]:
            changes[name] = value
    return changes, unknown


def chunks(changes):
    """ParameterNameValues lists of at most MAX_PER_REQUEST entries."""
    items = [{"ParameterName": k, "ParameterValue": v} for k, v in sorted(changes.items())]
    return [items[i:i + MAX_PER_REQUEST] for i in range(0, len(items), MAX_PER_REQUEST)]
