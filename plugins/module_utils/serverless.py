# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The serverless_cache module's pure logic: the rules ElastiCache Serverless enforces, the create request, what a
ModifyServerlessCache must change (and what cannot change), and the result.

Limits (user guide "Scaling ElastiCache Serverless", the CDK's ServerlessCache): data storage 1 to 5,000 GB, 1,000 to
15,000,000 ECPUs per second, each minimum at most its maximum. Engines: redis (major version 7), valkey (7, 8); redis
can be upgraded to valkey and a major version raised, never the other way. Subnets and the KMS key are fixed at
creation.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation

# Where a serverless cache listens: its endpoint, and its reader endpoint (the same name).
ENDPOINT_PORT, READER_PORT = 6379, 6380
STORAGE_GB = (1, 5000)
ECPU_PER_SECOND = (1000, 15000000)
MAJOR_VERSIONS = {"redis": ("7",), "valkey": ("7", "8")}
_DAILY_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# usage_limits option -> (CacheUsageLimits key, allowed range, unit)
_LIMITS = (("data_storage", "DataStorage", STORAGE_GB, "GB"),
           ("ecpu_per_second", "ECPUPerSecond", ECPU_PER_SECOND, None))


def usage_limits(option):
    """CacheUsageLimits from the usage_limits option: only the parts and bounds given; None when none is."""
    limits = {}
    for name, key, _range, unit in _LIMITS:
        part = (option or {}).get(name) or {}
        bounds = dict((k.capitalize(), part[k]) for k in ("minimum", "maximum") if part.get(k) is not None)
        if bounds:
            limits[key] = dict(bounds, Unit=unit) if unit else bounds
    return limits or None


def validate(params):
    """Every problem with the options, each naming its option; [] when they are fine."""
    errors = validation.identifier(params["name"], "name")
    errors += limit_errors(params.get("usage_limits"))
    errors += major_version_errors(params.get("engine"), params.get("major_engine_version"))
    errors += validation.retention(params.get("snapshot_retention_limit"))
    time_of_day = params.get("daily_snapshot_time")
    if time_of_day is not None and not _DAILY_TIME.match(time_of_day):
        errors.append("daily_snapshot_time: %r is not a time of day HH:MM (UTC)." % time_of_day)
    if params.get("final_snapshot_name"):
        errors += validation.identifier(params["final_snapshot_name"], "final_snapshot_name", 255)
        if params.get("skip_final_snapshot"):
            errors.append("final_snapshot_name and skip_final_snapshot=true contradict each other; choose one.")
    return errors


def limit_errors(option, path="usage_limits"):
    """The problems of a usage_limits option (each bound in range, each minimum at most its maximum), naming path."""
    errors = []
    for name, _key, (low, high), unit in _LIMITS:
        part = (option or {}).get(name) or {}
        for bound in ("minimum", "maximum"):
            value = part.get(bound)
            if value is not None and not low <= value <= high:
                errors.append("%s.%s.%s: %s is out of range; ElastiCache Serverless takes %d to %d%s."
                              % (path, name, bound, value, low, high, " GB" if unit else " ECPUs per second"))
        if part.get("minimum") is not None and part.get("maximum") is not None and part["minimum"] > part["maximum"]:
            errors.append("%s.%s: minimum %s is above maximum %s." % (path, name, part["minimum"], part["maximum"]))
    return errors


def major_version_errors(engine, major, path="major_engine_version"):
    """[] when `engine` runs serverless at major version `major` (or either is not given)."""
    if major is not None and engine and major not in MAJOR_VERSIONS[engine]:
        return ["%s: %s serverless caches run major version %s, not %s."
                % (path, engine, " or ".join(MAJOR_VERSIONS[engine]), major)]
    return []


def create_request(params):
    """CreateServerlessCache's parameters from the options (tags apart)."""
    request = {"ServerlessCacheName": params["name"].lower(), "Engine": params["engine"]}
    for option, key in (("description", "Description"), ("major_engine_version", "MajorEngineVersion"),
                        ("kms_key_id", "KmsKeyId"), ("security_group_ids", "SecurityGroupIds"),
                        ("subnet_ids", "SubnetIds"), ("user_group_id", "UserGroupId"),
                        ("snapshot_retention_limit", "SnapshotRetentionLimit"),
                        ("daily_snapshot_time", "DailySnapshotTime"),
                        ("snapshot_arns_to_restore", "SnapshotArnsToRestore")):
        if params.get(option) not in (None, "", []):
            request[key] = params[option]
    limits = usage_limits(params.get("usage_limits"))
    if limits:
        request["CacheUsageLimits"] = limits
    return request


def _engine_change(params, current, errors):
    """The Engine and MajorEngineVersion a modify must send ({} for none)."""
    engine = params.get("engine") or current["Engine"]
    major = params.get("major_engine_version")
    if engine == "redis" and current["Engine"] == "valkey":
        errors.append("engine: %s runs valkey; a valkey serverless cache cannot go back to redis."
                      % current["ServerlessCacheName"])
        return {}
    if major is not None and engine == current["Engine"] and int(major) < int(current["MajorEngineVersion"]):
        errors.append("major_engine_version: %s runs %s; a major version cannot go down to %s."
                      % (current["ServerlessCacheName"], current["MajorEngineVersion"], major))
        return {}
    change = {}
    if engine != current["Engine"]:
        change["Engine"] = engine
    if major is not None and (major != current["MajorEngineVersion"] or change):
        change["MajorEngineVersion"] = major
    return change


def plan(params, current):
    """What differs between the options and the cache as described.

    Returns {"modify": ModifyServerlessCache's parameters ({} for nothing), "before"/"after": the diff of what
    changes, "errors": the options that ask for what ElastiCache cannot change on an existing cache}.
    """
    errors, modify = [], {}
    modify.update(_engine_change(params, current, errors))
    if params.get("description") is not None and params["description"] != current.get("Description", ""):
        modify["Description"] = params["description"]
    wanted_limits = usage_limits(params.get("usage_limits")) or {}
    current_limits = current.get("CacheUsageLimits") or {}
    changed_limits = dict((k, v) for k, v in wanted_limits.items() if current_limits.get(k) != v)
    if changed_limits:
        modify["CacheUsageLimits"] = changed_limits
    if params.get("security_group_ids") is not None and \
            sorted(params["security_group_ids"]) != sorted(current.get("SecurityGroupIds") or []):
        modify["SecurityGroupIds"] = sorted(params["security_group_ids"])
    group = params.get("user_group_id")
    if group == "" and current.get("UserGroupId"):
        modify["RemoveUserGroup"] = True
    elif group and group.lower() != current.get("UserGroupId"):
        modify["UserGroupId"] = group
    for option, key in (("snapshot_retention_limit", "SnapshotRetentionLimit"),
                        ("daily_snapshot_time", "DailySnapshotTime")):
        if params.get(option) is not None and params[option] != current.get(key):
            modify[key] = params[option]
    if params.get("subnet_ids") is not None and \
            sorted(params["subnet_ids"]) != sorted(current.get("SubnetIds") or []):
        errors.append("subnet_ids: the subnets of %s are %s; ElastiCache cannot change them on an existing "
                      "serverless cache (create a new one from a snapshot, or keep them)."
                      % (current["ServerlessCacheName"], ", ".join(sorted(current.get("SubnetIds") or []))))
    kms = params.get("kms_key_id")
    if kms and kms.startswith("arn:") and kms != current.get("KmsKeyId"):
        errors.append("kms_key_id: %s is encrypted with %s; ElastiCache cannot change the key of an existing "
                      "serverless cache." % (current["ServerlessCacheName"], current.get("KmsKeyId") or
                                             "the AWS owned key"))
    before, after = {}, {}
    for key, value in modify.items():
        name = _SNAKE.get(key, key)
        before[name] = _view(key, current)
        after[name] = camel_dict_to_snake_dict(value) if isinstance(value, dict) else value
    return {"modify": modify, "before": before, "after": after, "errors": errors}


_SNAKE = {"Engine": "engine", "MajorEngineVersion": "major_engine_version", "Description": "description",
          "CacheUsageLimits": "usage_limits", "SecurityGroupIds": "security_group_ids",
          "RemoveUserGroup": "user_group_id", "UserGroupId": "user_group_id",
          "SnapshotRetentionLimit": "snapshot_retention_limit", "DailySnapshotTime": "daily_snapshot_time"}


def _view(key, current):
    if key in ("RemoveUserGroup", "UserGroupId"):
        return current.get("UserGroupId")
    value = current.get(key)
    return camel_dict_to_snake_dict(value) if isinstance(value, dict) else value


def create_diff(request):
    """The diff of a creation: the options as they will be sent, in the option names."""
    after = {"state": "present"}
    names = dict(_SNAKE, ServerlessCacheName="name", KmsKeyId="kms_key_id", SubnetIds="subnet_ids",
                 SnapshotArnsToRestore="snapshot_arns_to_restore")
    for key, value in request.items():
        after[names.get(key, key)] = camel_dict_to_snake_dict(value) if isinstance(value, dict) else value
    return {"before": {"state": "absent"}, "after": after}


def cache_result(cache, tags=None):
    """The cache in snake_case as AWS describes it, with its tags when they were managed."""
    if cache is None:
        return None
    result = camel_dict_to_snake_dict(cache)
    if tags is not None:
        result["tags"] = tags
    return result


def is_serverless(spec):
    """Whether an instance of the inputs model is a serverless cache (kind serverless; node when unset)."""
    return (spec.get("kind") or "node") == "serverless"
