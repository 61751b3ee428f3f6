# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input rules ElastiCache enforces, checked before any call that changes anything.

Each function returns a list of messages; every message names the option at fault.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import string

# CloudWatch Logs PutRetentionPolicy accepts these values only.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)
_ID = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]*$")
# ElastiCache API reference, AuthToken: printable ASCII, 16-128 characters, and of the special
# characters only ! & # $ ^ < > - (so / " @ and the rest are refused).
_TOKEN = re.compile(r"^[A-Za-z0-9!&#$^<>-]{16,128}$")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_CLOCK = r"([01]\d|2[0-3]):([0-5]\d)"
_SNAPSHOT_WINDOW = re.compile(r"^%s-%s$" % (_CLOCK, _CLOCK))
_MAINTENANCE_WINDOW = re.compile(r"^(%s):%s-(%s):%s$" % ("|".join(_DAYS), _CLOCK, "|".join(_DAYS), _CLOCK),
                                 re.IGNORECASE)
_WEEK = 7 * 24 * 60


def identifier(value, option, max_length=40):
    if value is None:
        return []
    if (not value or len(value) > max_length or not _ID.match(value) or "--" in value
            or value.endswith("-")):
        return ["%s: %r is not valid: it must be 1 to %d letters, digits or hyphens, start with a letter, "
                "and neither end with a hyphen nor contain two consecutive hyphens." % (option, value, max_length)]
    return []


def auth_token(value, option="auth_token"):
    if value is None or _TOKEN.match(value):
        return []
    return ["%s: is not valid: it must be 16 to 128 characters, letters, digits and only these special "
            "characters: ! & # $ ^ < > - (ElastiCache refuses / \" @ and spaces)." % option]


def replicas(value, option="replicas"):
    if value is None or 0 <= value <= 5:
        return []
    return ["%s: must be between 0 and 5, got %d." % (option, value)]


def retention(value, option="snapshot_retention_limit"):
    if value is None or 0 <= value <= 35:
        return []
    return ["%s: must be between 0 and 35 days, got %d." % (option, value)]


def _snapshot_minutes(value):
    match = _SNAPSHOT_WINDOW.match(value)
    if not match:
        return None
    groups = [int(g) for g in match.groups()]
    return groups[0] * 60 + groups[1], groups[2] * 60 + groups[3]


def _maintenance_minutes(value):
    match = _MAINTENANCE_WINDOW.match(value)
    if not match:
        return None
    day1, h1, m1, day2, h2, m2 = match.groups()
    return (_DAYS.index(day1.lower()) * 1440 + int(h1) * 60 + int(m1),
            _DAYS.index(day2.lower()) * 1440 + int(h2) * 60 + int(m2))


def windows(snapshot_window, maintenance_window):
    """Formats, lengths (at least 60 minutes) and that the two windows do not overlap."""
    errors = []
    snapshot = maintenance = None
    if snapshot_window is not None:
        snapshot = _snapshot_minutes(snapshot_window)
        if snapshot is None:
            errors.append("snapshot_window %r is not valid: the format is hh24:mi-hh24:mi (UTC), e.g. 05:00-06:00."
                          % snapshot_window)
        elif (snapshot[1] - snapshot[0]) % 1440 < 60:
            errors.append("snapshot_window %r is shorter than the 60 minutes ElastiCache needs." % snapshot_window)
            snapshot = None
    if maintenance_window is not None:
        maintenance = _maintenance_minutes(maintenance_window)
        if maintenance is None:
            errors.append("maintenance_window %r is not valid: the format is ddd:hh24:mi-ddd:hh24:mi (UTC), "
                          "e.g. sun:23:00-mon:01:30." % maintenance_window)
        elif not 60 <= (maintenance[1] - maintenance[0]) % _WEEK <= 1440:
            errors.append("maintenance_window %r must be between 60 minutes and 24 hours long." % maintenance_window)
            maintenance = None
    if snapshot and maintenance and _overlap(snapshot, maintenance):
        errors.append("snapshot_window %r overlaps maintenance_window %r; ElastiCache needs them apart."
                      % (snapshot_window, maintenance_window))
    return errors


def _overlap(snapshot, maintenance):
    busy = set((maintenance[0] + i) % _WEEK for i in range((maintenance[1] - maintenance[0]) % _WEEK))
    length = (snapshot[1] - snapshot[0]) % 1440
    return any((day * 1440 + snapshot[0] + i) % _WEEK in busy for day in range(7) for i in range(length))


# ElastiCache user guide, RBAC ("Creating users and user groups"): a user's password is 16 to 128 printable characters,
# and , " / @ are refused. Whitespace is refused too: the collection's choice, as redis-cli and URLs split on it.
_USER_PASSWORD = re.compile(r"^[A-Za-z0-9%s]{16,128}$" % re.escape("".join(
    c for c in string.punctuation if c not in ',"/@')))
# Redis ACL user names are one word (ACL SETUSER <username>); ElastiCache asks for at least one character.
_USER_NAME = re.compile(r"^[!-~]+$")


def user_name(value, option):
    if value is None:
        return ["%s: is required." % option]
    if _USER_NAME.match(value):
        return []
    return ["%s: %r is not valid: a user name is one word of printable ASCII characters, without spaces."
            % (option, value)]


def access_string(value, option):
    if value and value.strip():
        return []
    return ["%s: is empty; an access string such as 'on ~app:* +@read' or 'off -@all' is required." % option]


def user_passwords(values, option):
    """One or two passwords of a user (the two-password window of a rotation). Never echoes a password."""
    if not isinstance(values, list) or not 1 <= len(values) <= 2:
        return ["%s: must be a list of 1 or 2 passwords (ElastiCache keeps at most two per user)." % option]
    errors = []
    for index, value in enumerate(values):
        if not isinstance(value, str) or not _USER_PASSWORD.match(value):
            errors.append("%s[%d]: is not valid: a password is 16 to 128 printable ASCII characters, without spaces "
                          "and without , \" / @ (ElastiCache refuses them)." % (option, index))
    return errors
