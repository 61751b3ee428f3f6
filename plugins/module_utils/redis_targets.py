# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_ping's targets: every instance (and every worker's user) of a host checked in one module execution."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# What each target may set; the rest comes from the module's own options.
TARGET_KEYS = ("host", "port", "tls", "cluster", "user", "password", "refused_key")


def target_params(params):
    """One parameter dict per target, in order: the target's own values over the module's options.

    Each gets a `name` (the target's, the instance name for the messages). A target without a host or a name is a
    ValueError naming the field (targets[i].host), before anything connects."""
    expanded = []
    for index, target in enumerate(params["targets"] or []):
        for field in ("name", "host"):
            if not target.get(field):
                raise ValueError("targets[%d].%s: required" % (index, field))
        p = dict(params, targets=None, name=target["name"])
        p.update((key, target[key]) for key in TARGET_KEYS if target.get(key) is not None)
        p["port"] = int(p["port"])
        expanded.append(p)
    return expanded


def missing_from_hosts(text, hosts):
    """The hosts (in order, once each) that no line of an /etc/hosts text maps: resolving them would query DNS."""
    missing = []
    for host in hosts:
        if host not in missing and not re.search(r"\s" + re.escape(host) + r"(\s|$)", text, re.MULTILINE):
            missing.append(host)
    return missing


def label(p):
    """How a target is named in messages: the instance, and the user when there is one."""
    return "%s as %s" % (p["name"], p["user"]) if p.get("user") else p["name"]


def message(p, failed, result):
    """What the role shows for one target: PONG with its latency and TLS version (and the NOPERM proof), or why not."""
    if failed or not result.get("pong") or (p.get("refused_key") and not result.get("refused")):
        return "%s: %s" % (label(p), result["msg"])
    if p.get("user"):
        return "%s: PONG in %s ms%s" % (label(p), result["latency_ms"], ", refused on %s (NOPERM)" % p["refused_key"]
                                        if p.get("refused_key") else "")
    return "%s: PONG in %s ms over %s" % (p["name"], result["latency_ms"], result.get("tls_version") or "plain TCP")


def summary(labels, outcomes):
    """(failed, msg) of every target's (failed, result): failed when any failed, the message naming each of them
    with its own reason, or counting the PONGs."""
    failures = ["%s: %s" % (name, result["msg"]) for name, (failed, result) in zip(labels, outcomes) if failed]
    if failures:
        return True, "; ".join(failures)
    return False, "PONG from %d of %d" % (sum(1 for _failed, r in outcomes if r.get("pong")), len(outcomes))
