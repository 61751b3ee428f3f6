# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment's CloudWatch dashboard: its name and its body, from the instances and their alarms.

Plain Python, no AWS call (the dashboard module puts the body). One row per instance: a text header, then one graph
per metric with a line per node and the alarm's threshold drawn in. The nodes are those the alarms watch (every node
of every group that exists has alarms), so the dashboard and the alarms always cover the same nodes. A serverless
cache gets a row of its own metrics (ECPUs, stored data, throttled commands, connections) with its usage limits drawn.
Limits from CloudWatch's Dashboard Body Structure and Syntax: at most 500 widgets, a grid 24 units wide; the
dashboard name is at most 255 characters of A-Z, a-z, 0-9, - and _.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless

NAMESPACE = "AWS/ElastiCache"
MAX_WIDGETS = 500
# Lines (nodes) per graph: a cluster-mode group has up to 500 nodes; more than 100 go into further graphs.
NODES_PER_GRAPH = 100
GRID_WIDTH = 24
GRAPH_WIDTH = 8
GRAPH_HEIGHT = 6
HEADER_HEIGHT = 1
# Metrics watched during a change, in the order they are drawn: (metric, statistic without an alarm, whether it
# needs a replica). The alarms' statistic wins where there is an alarm, so its threshold line compares like for like.
METRICS = (
    ("CPUUtilization", "Average", False),
    ("EngineCPUUtilization", "Average", False),
    ("DatabaseMemoryUsagePercentage", "Average", False),
    ("CurrConnections", "Maximum", False),
    ("NewConnections", "Sum", False),
    ("Evictions", "Sum", False),
    ("ReplicationLag", "Maximum", True),
    ("CacheHits", "Sum", False),
    ("CacheMisses", "Sum", False),
)
# A serverless cache has no nodes: its metrics have the dimension clusterId (the cache's name). (metric, statistic
# without an alarm, usage limit it is drawn against: ecpu_per_second as ECPUs per graph period, data_storage in bytes).
SERVERLESS_METRICS = (
    ("ElastiCacheProcessingUnits", "Sum", "ecpu_per_second"),
    ("BytesUsedForCache", "Maximum", "data_storage"),
    ("ThrottledCmds", "Sum", None),
    ("CurrConnections", "Maximum", None),
)
# CacheUsageLimits.DataStorage is in GB, drawn as 10^9 bytes (as the alarms count it).
BYTES_PER_GB = 1000 ** 3
# ElastiCache publishes host-level metrics every 60 seconds: the graphs show each minute during a change.
PERIOD = 60
START = "-PT3H"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def dashboard_name(prefix):
    """The environment's dashboard: <cache_name_prefix>-redis (CloudWatch dashboards are global to the account)."""
    name = "%s-redis" % prefix if prefix else "redis"
    if not _NAME.match(name):
        raise ValueError("prefix: the dashboard name %r may hold only A-Z, a-z, 0-9, - and _ (at most 255)" % name)
    return name


def _nodes_pattern(spec):
    ids = [re.escape(spec["replication_group_id"]) + r"-(\d{3}|\d{4}-\d{3})"]
    if spec.get("primary_cluster_id"):
        ids.append(re.escape(spec["primary_cluster_id"]))
    return re.compile("^(%s)$" % "|".join(ids))


def _instance_alarms(spec, alarms):
    pattern = _nodes_pattern(spec)
    return [a for a in alarms if pattern.match((a.get("dimensions") or {}).get("CacheClusterId") or "")]


def _metric_line(node, metric):
    return [NAMESPACE, metric, "CacheClusterId", node, "CacheNodeId", "0001", {"label": node}]


def _graphs(spec, nodes, alarms, region):
    graphs = []
    for metric, statistic, needs_replica in METRICS:
        if needs_replica and len(nodes) < 2:
            continue
        watching = [a for a in alarms if a.get("metric") == metric]
        statistic = next((a["statistic"] for a in watching if a.get("statistic")), statistic)
        thresholds = sorted(set(float(a["threshold"]) for a in watching if a.get("threshold") is not None))
        for start in range(0, len(nodes), NODES_PER_GRAPH):
            part = nodes[start:start + NODES_PER_GRAPH]
            title = "%s: %s" % (spec["name"], metric)
            if len(nodes) > NODES_PER_GRAPH:
                title += " (nodes %d-%d)" % (start + 1, start + len(part))
            properties = {"title": title, "view": "timeSeries", "stacked": False, "region": region,
                          "stat": statistic, "period": PERIOD, "metrics": [_metric_line(n, metric) for n in part]}
            if thresholds:
                properties["annotations"] = {"horizontal": [{"label": "alarm", "value": t} for t in thresholds]}
            graphs.append(properties)
    return graphs


def _per_graph(alarm, statistic):
    """An alarm's threshold as the graph shows the metric: a Sum over the alarm's period becomes a Sum per PERIOD."""
    threshold = float(alarm["threshold"])
    if statistic == "Sum" and alarm.get("period"):
        threshold = threshold * PERIOD / float(alarm["period"])
    return round(threshold, 1)


def _limit_line(spec, limit):
    """The usage limit's maximum as the graph shows it, or None when it has none."""
    maximum = (((spec.get("usage_limits") or {}).get(limit)) or {}).get("maximum")
    if maximum is None:
        return None
    if limit == "ecpu_per_second":
        return {"label": "limit (%s ECPUs/s)" % maximum, "value": float(maximum) * PERIOD}
    return {"label": "limit (%s GB)" % maximum, "value": float(maximum) * BYTES_PER_GB}


def _serverless_graphs(spec, alarms, region):
    cache = spec["replication_group_id"]
    watching = [a for a in alarms if (a.get("dimensions") or {}).get("clusterId") == cache]
    graphs = []
    for metric, statistic, limit in SERVERLESS_METRICS:
        alarmed = [a for a in watching if a.get("metric") == metric]
        lines = [{"label": "alarm", "value": t} for t in sorted(set(_per_graph(a, statistic) for a in alarmed))]
        drawn = _limit_line(spec, limit) if limit else None
        if drawn:
            lines.append(drawn)
        properties = {"title": "%s: %s" % (spec["name"], metric), "view": "timeSeries", "stacked": False,
                      "region": region, "stat": statistic, "period": PERIOD,
                      "metrics": [[NAMESPACE, metric, "clusterId", cache, {"label": cache}]]}
        if lines:
            properties["annotations"] = {"horizontal": lines}
        graphs.append(properties)
    return graphs


def body(specs, alarms, region):
    """The dashboard body (a dict; PutDashboard takes it as JSON) for the instances that have nodes in `alarms`.

    specs: the inputs model's instances (name, purpose, replication_group_id, primary_cluster_id; kind, engine and
    usage_limits for a serverless cache, which gets a row of its own metrics, with its alarms' thresholds and its
    usage limits' maximums drawn in); alarms: the model's alarms (metric, statistic, threshold, period,
    dimensions.CacheClusterId or dimensions.clusterId); region: the graphs' region.
    """
    if not region:
        raise ValueError("region: the dashboard's graphs need the region of the metrics")
    widgets, y = [], 0
    per_row = GRID_WIDTH // GRAPH_WIDTH
    for spec in specs:
        if is_serverless(spec):
            widgets.append({"type": "text", "x": 0, "y": y, "width": GRID_WIDTH, "height": HEADER_HEIGHT,
                            "properties": {"markdown": "## %s (%s): serverless cache %s, %s" % (
                                spec["name"], spec.get("purpose") or "main", spec["replication_group_id"],
                                spec.get("engine") or "redis")}})
            y += HEADER_HEIGHT
            graphs = _serverless_graphs(spec, alarms, region)
            for index, properties in enumerate(graphs):
                widgets.append({"type": "metric", "x": (index % per_row) * GRAPH_WIDTH,
                                "y": y + (index // per_row) * GRAPH_HEIGHT, "width": GRAPH_WIDTH,
                                "height": GRAPH_HEIGHT, "properties": properties})
            y += -(-len(graphs) // per_row) * GRAPH_HEIGHT
            continue
        watching = _instance_alarms(spec, alarms)
        nodes = sorted(set(a["dimensions"]["CacheClusterId"] for a in watching))
        if not nodes:
            continue
        widgets.append({"type": "text", "x": 0, "y": y, "width": GRID_WIDTH, "height": HEADER_HEIGHT,
                        "properties": {"markdown": "## %s (%s): replication group %s, %d node%s" % (
                            spec["name"], spec.get("purpose") or "main", spec["replication_group_id"], len(nodes),
                            "" if len(nodes) == 1 else "s")}})
        y += HEADER_HEIGHT
        graphs = _graphs(spec, nodes, watching, region)
        for index, properties in enumerate(graphs):
            widgets.append({"type": "metric", "x": (index % per_row) * GRAPH_WIDTH,
                            "y": y + (index // per_row) * GRAPH_HEIGHT, "width": GRAPH_WIDTH,
                            "height": GRAPH_HEIGHT, "properties": properties})
        y += -(-len(graphs) // per_row) * GRAPH_HEIGHT
    if len(widgets) > MAX_WIDGETS:
        raise ValueError("cache_instances: the dashboard would have %d widgets; CloudWatch takes at most %d"
                         % (len(widgets), MAX_WIDGETS))
    return {"start": START, "periodOverride": "inherit", "widgets": widgets}


def parse(text):
    """A body as GetDashboard returns it (JSON text) -> dict; text that is not a JSON object -> None."""
    try:
        found = json.loads(text or "")
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def widgets_by_title(found):
    """title (or a text widget's markdown) -> widget: how two bodies are compared in a drift report."""
    result = {}
    for index, widget in enumerate((found or {}).get("widgets") or []):
        properties = widget.get("properties") or {}
        result[properties.get("title") or properties.get("markdown") or "widget %d" % index] = widget
    return result
