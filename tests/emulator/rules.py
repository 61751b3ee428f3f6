"""Input rules that ElastiCache enforces server-side, as its API reference documents them."""

from __future__ import annotations

import re

from .catalog import NODE_TYPES
from .protocol import AWSError

_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_TOKEN = re.compile(r"^[A-Za-z0-9!&#$^<>-]{16,128}$")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_CLOCK = r"([01]\d|2[0-3]):([0-5]\d)"
_SNAPSHOT_WINDOW = re.compile(rf"^{_CLOCK}-{_CLOCK}$")
_MAINTENANCE_WINDOW = re.compile(rf"^({'|'.join(_DAYS)}):{_CLOCK}-({'|'.join(_DAYS)}):{_CLOCK}$", re.IGNORECASE)
WEEK = 7 * 24 * 60


def invalid(message: str) -> AWSError:
    return AWSError("InvalidParameterValue", message)


def combination(message: str) -> AWSError:
    return AWSError("InvalidParameterCombination", message)


def identifier(value: str, parameter: str, max_length: int = 40) -> str:
    """Replication group / parameter group ids: a letter first, letters, digits, hyphens, no '--'."""
    lowered = value.lower()
    if not lowered or len(lowered) > max_length or not _ID.match(lowered) or "--" in lowered or lowered.endswith("-"):
        raise invalid(
            f"The parameter {parameter} is not a valid identifier. Identifiers must begin with a letter; must contain "
            f"only ASCII letters, digits, and hyphens; must be 1 to {max_length} characters; and must not end with "
            "a hyphen or contain two consecutive hyphens."
        )
    return lowered


def node_type(value: str) -> str:
    if value not in NODE_TYPES:
        raise invalid(f"Invalid CacheNodeType: {value} is not a supported node type.")
    return value


def auth_token(value: str) -> str:
    if not _TOKEN.match(value):
        raise invalid("Invalid AuthToken provided.")
    return value


def retention(value: int) -> int:
    if not 0 <= value <= 35:
        raise invalid("The parameter SnapshotRetentionLimit must be between 0 and 35.")
    return value


def snapshot_window(value: str) -> tuple[int, int]:
    """Minutes of the day (start, end) of a daily window 'hh24:mi-hh24:mi' of at least 60 minutes."""
    match = _SNAPSHOT_WINDOW.match(value)
    if not match:
        raise invalid(f"Invalid SnapshotWindow {value}: the format is hh24:mi-hh24:mi in UTC.")
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = int(match.group(3)) * 60 + int(match.group(4))
    if (end - start) % (24 * 60) < 60:
        raise invalid(f"Invalid SnapshotWindow {value}: the window must be at least 60 minutes long.")
    return start, end


def maintenance_window(value: str) -> tuple[int, int]:
    """Minutes of the week (start, end) of 'ddd:hh24:mi-ddd:hh24:mi', 60 minutes to 24 hours long."""
    match = _MAINTENANCE_WINDOW.match(value)
    if not match:
        raise invalid(f"Invalid PreferredMaintenanceWindow {value}: the format is ddd:hh24:mi-ddd:hh24:mi in UTC.")
    day1, h1, m1, day2, h2, m2 = match.groups()
    start = _DAYS.index(day1.lower()) * 1440 + int(h1) * 60 + int(m1)
    end = _DAYS.index(day2.lower()) * 1440 + int(h2) * 60 + int(m2)
    length = (end - start) % WEEK
    if length < 60 or length > 24 * 60:
        raise invalid(f"Invalid PreferredMaintenanceWindow {value}: it must be between 60 minutes and 24 hours long.")
    return start, end


def windows_overlap(snapshot: str | None, maintenance: str | None) -> bool:
    if not snapshot or not maintenance:
        return False
    s_start, s_end = snapshot_window(snapshot)
    m_start, m_end = maintenance_window(maintenance)
    m_minutes = {(m_start + i) % WEEK for i in range((m_end - m_start) % WEEK)}
    s_length = (s_end - s_start) % 1440
    for day in range(7):
        if any((day * 1440 + s_start + i) % WEEK in m_minutes for i in range(s_length)):
            return True
    return False
