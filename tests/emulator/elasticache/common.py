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


def page(items, params, key, style="records"):
    """One page of `items` as AWS pages them: style records (MaxRecords 20-100, default 100, and Marker: the node-based
    operations) or results (MaxResults 1-100, default 50, and NextToken: the serverless ones)."""
    size_key, token_key, low, default = (("MaxRecords", "Marker", 20, 100) if style == "records"
                                         else ("MaxResults", "NextToken", 1, 50))
    size = params.get(size_key) or default
    if not low <= size <= 100:
        raise rules.invalid("The parameter %s must be between %d and 100." % (size_key, low))
    start = int(params.get(token_key) or 0)
    result = {key: items[start:start + size]}
    if start + size < len(items):
        result[token_key] = str(start + size)
    return result


def version_tuple(version):
    return tuple(int(part) for part in version.split(".")[:2])
