"""ElastiCache access strings: the Redis ACL rules ElastiCache accepts in CreateUser/ModifyUser, checked as the user
guide's "Role-Based Access Control (RBAC)" states them, and split into ACL SETUSER arguments for the real nodes.

What ElastiCache refuses in an access string (user guide, RBAC limitations): passwords (`>pw`, `<pw`, `#hash`,
`!hash`, and so `nopass` and `resetpass`: "You specify passwords with API parameters"), `reset`, and forbidden or
renamed commands (its restricted commands). `on`/`off` may be missing: the user is then off. Documented syntax: keys
`~p`, channels `&p` (6.2+), `%R~p`, `%W~p`, `%RW~p`, selectors `(...)`, `clearselectors`, `-cmd|sub` (7.0+).
"""

from __future__ import annotations

import re

# ElastiCache's restricted commands ("Restricted Valkey and Redis OSS commands"): a `+` grant of one is refused.
RESTRICTED_COMMANDS = frozenset({"bgrewriteaof", "bgsave", "config", "debug", "migrate", "psync", "replicaof", "save",
                                 "slaveof", "shutdown", "sync"})
# `ACL CAT` on redis-server 7.0.15.
CATEGORIES = frozenset({"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
                        "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
                        "connection", "transaction", "scripting", "all"})
_KEYWORDS = frozenset({"on", "off", "allkeys", "resetkeys", "allchannels", "resetchannels", "allcommands",
                       "nocommands", "clearselectors"})
_PASSWORD_RULES = frozenset({"nopass", "resetpass"})
_PATTERN = re.compile(r"^(~|%(R|W|RW)~|&)(\S+)$", re.IGNORECASE)
_COMMAND = re.compile(r"^[+-](@?)([a-z0-9_.:-]+)(\|[a-z0-9_.:-]+)?$", re.IGNORECASE)
_TOKEN = re.compile(r"\([^()]*\)|[^\s()]+|[()]")


class AccessStringError(ValueError):
    """An access string ElastiCache refuses; the message never repeats a password rule's text."""


def rules(access: str) -> list[str]:
    """The ACL SETUSER arguments of an access string: its words, each selector `(...)` kept as one argument."""
    return ["(" + " ".join(t[1:-1].split()) + ")" if t.startswith("(") and len(t) > 1 else t
            for t in _TOKEN.findall(access or "")]


def _check_rule(rule: str, in_selector: bool) -> None:
    lowered = rule.lower()
    if rule[:1] in "><#!" or lowered in _PASSWORD_RULES:
        raise AccessStringError("it holds a password rule; passwords are set with Passwords or AuthenticationMode, "
                                "not in the access string")
    if lowered == "reset":
        raise AccessStringError("'reset' is not allowed: it would remove the passwords ElastiCache manages")
    if rule.startswith("("):
        if in_selector:
            raise AccessStringError(f"selector {rule!r} is nested")
        inner = rule[1:-1].split()
        if not inner:
            raise AccessStringError("a selector '()' is empty")
        for part in inner:
            _check_rule(part, True)
        return
    if lowered in _KEYWORDS:
        if in_selector and lowered in ("on", "off", "clearselectors"):
            raise AccessStringError(f"{rule!r} cannot be inside a selector")
        return
    if _PATTERN.match(rule):
        return
    command = _COMMAND.match(rule)
    if command is None:
        raise AccessStringError(f"{rule!r} is not an ACL rule")
    name = command.group(2).lower()
    if command.group(1):
        if command.group(3) or name not in CATEGORIES:
            raise AccessStringError(f"{rule!r} names no ACL category")
    elif rule.startswith("+") and name in RESTRICTED_COMMANDS:
        raise AccessStringError(f"{rule!r} grants a command ElastiCache restricts")


def check(access: str) -> str:
    """The access string, its rules one space apart, or AccessStringError saying which rule ElastiCache refuses."""
    if not access or not access.strip():
        raise AccessStringError("it is empty")
    found = rules(access)
    for rule in found:
        if rule in ("(", ")"):
            raise AccessStringError("a selector's parentheses do not match")
        _check_rule(rule, False)
    return " ".join(found)


def enabled(access: str) -> bool:
    """Whether the user is on: its last on/off rule, and off when it has none (as ElastiCache documents)."""
    states = [r.lower() for r in rules(access) if r.lower() in ("on", "off")]
    return bool(states) and states[-1] == "on"
