"""What every resource module of the emulated ElastiCache shares: account, names, clock, errors, tags, paging."""

from __future__ import annotations

import datetime

from .. import rules
from ..protocol import model_error

ACCOUNT = "123456789012"
_DIRECTIONS = {"east": "e", "west": "w", "north": "n", "south": "s", "central": "c", "northeast": "ne",
               "southeast": "se", "northwest": "nw", "southwest": "sw"}


def region_code(region: str) -> str:
    """us-east-2 -> use2, eu-central-1 -> euc1: the short region in ElastiCache endpoint names."""
    parts = region.split("-")
    return parts[0] + "".join(_DIRECTIONS.get(p, p) for p in parts[1:-1]) + parts[-1]


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def now_precise():
    return datetime.datetime.now(datetime.timezone.utc)


def utc(moment):
    """A request's timestamp as an aware UTC datetime (the query parser gives naive UTC ones)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.timezone.utc)


def error(code, message):
    return model_error("elasticache", code, message)


def request_tags(params):
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in params.get("Tags", [])]


def page(items, params, key):
    """One page of `items` by MaxRecords (20-100, default 100) and Marker, as AWS pages them."""
    size = params.get("MaxRecords", 100)
    if not 20 <= size <= 100:
        raise rules.invalid("The parameter MaxRecords must be between 20 and 100.")
    start = int(params.get("Marker") or 0)
    result = {key: items[start:start + size]}
    if start + size < len(items):
        result["Marker"] = str(start + size)
    return result


def version_tuple(version):
    return tuple(int(part) for part in version.split(".")[:2])
