"""DescribeEvents: what the other resource families recorded with Region.event."""

from __future__ import annotations

import datetime

from .common import now_precise, page, utc


class Events:
    """The op_* handler of events."""

    def op_DescribeEvents(self, region, p):  # pylint: disable=invalid-name
        """Events of the last `Duration` minutes (default 60), or between StartTime and EndTime, oldest first."""
        end = utc(p.get("EndTime")) or now_precise()
        start = utc(p.get("StartTime")) or end - datetime.timedelta(minutes=p.get("Duration", 60))
        events = [e for e in region.events if start <= e["Date"] <= end
                  and p.get("SourceType", e["SourceType"]) == e["SourceType"]
                  and p.get("SourceIdentifier", e["SourceIdentifier"]) == e["SourceIdentifier"]]
        return page(events, p, "Events")
