# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one run of a playbook has learnt, so that no role asks AWS the same question twice.

One fact on localhost, FACT, written by the funmagic.elasticache.inputs action only (its tasks run on localhost
or are delegated there with delegate_facts), read by the same action. It holds answers, never credentials or
tokens:

- lookups: the read-only lookups of what must exist (VPC, subnets, security groups, SNS topics, snapshots to
  restore, clusters to adopt), keyed by the question (region, endpoint, profile and the names asked for);
- redis_security_group: the Redis security group as the network role made it ({group_id, group_name, vpc_id}),
  so that a lookup answered before it existed still gives the cache role its id;
- groups: the replication groups and serverless caches as last described ({key, replication_groups,
  serverless_caches}), with the key of the description (region, endpoint, profile and ids); emptied by the roles that
  are about to change them;
- checked_roles: the roles whose inputs the preflight checked in this run;
- rollout_batch: the day-2 moves' serial, as the preflight resolved it (host_rules.rollout_batch), which the plays of
  rotate_auth.yml and redis.yml's TLS move read as hostvars['localhost'].funmagic_elasticache_run.rollout_batch.

Every function returns a new memo; none changes its arguments.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

FACT = "funmagic_elasticache_run"
LOOKUP_KEY = ("region", "endpoint_url", "profile", "vpc_id", "app_security_group", "redis_security_group",
              "sns_topic_arns", "snapshot_names", "cache_cluster_ids", "kms_key_ids")
FOUND_KEYS = ("vpcs", "subnets", "app_security_groups", "redis_security_groups", "sns_topics", "snapshots",
              "cache_clusters", "kms_keys")
_ENDPOINT_KEY = ("region", "endpoint_url", "profile")


def read(task_vars):
    """The memo of this run: localhost's fact (where the action writes it), else the current host's."""
    localhost = (task_vars.get("hostvars") or {}).get("localhost") or {}
    return dict(localhost.get(FACT) or task_vars.get(FACT) or {})


def lookup_key(question):
    return json.dumps(dict((k, v) for k, v in question.items() if k in LOOKUP_KEY), sort_keys=True)


def describe_key(aws, ids):
    """What identifies a description of the replication groups: where they were described, and which."""
    return json.dumps(dict(dict((k, aws.get(k)) for k in _ENDPOINT_KEY), ids=sorted(ids)), sort_keys=True)


def lookup(memo, key, network):
    """The remembered answer to the lookup `key`, or None. When the network role made the Redis security group
    in this run after the answer was given, the answer has it."""
    answer = (memo.get("lookups") or {}).get(key)
    if answer is None:
        return None
    made = memo.get("redis_security_group") or {}
    if not answer["redis_security_groups"] and answer["vpcs"] and made.get("vpc_id") == answer["vpcs"][0]["vpc_id"] \
            and made.get("group_name") == network["redis_security_group"]:
        answer = dict(answer, redis_security_groups=[dict((k, made[k]) for k in ("group_id", "group_name"))])
    return answer


def with_lookup(memo, key, answer):
    """The memo with the lookup's answer (only what was found: never the module's invocation)."""
    lookups = dict(memo.get("lookups") or {})
    lookups[key] = dict((k, answer[k]) for k in FOUND_KEYS)
    return dict(memo, lookups=lookups)


def with_redis_security_group(memo, group_id, network):
    return dict(memo, redis_security_group={"group_id": group_id, "group_name": network["redis_security_group"],
                                            "vpc_id": network["vpc_id"]})


def groups(memo, key):
    """The replication groups as last described under `key`, or None."""
    remembered = memo.get("groups") or {}
    return remembered["replication_groups"] if remembered.get("key") == key else None


def serverless_caches(memo, key):
    """The serverless caches as last described under `key`, or None."""
    remembered = memo.get("groups") or {}
    return remembered.get("serverless_caches") if remembered.get("key") == key else None


def with_groups(memo, key, replication_groups, caches=None):
    """The memo with the description under `key` (the replication groups, and the serverless caches when they were
    described); with None, the memo without any description."""
    if replication_groups is None:
        return dict(memo, groups={})
    remembered = {"key": key, "replication_groups": replication_groups}
    if caches is not None:
        remembered["serverless_caches"] = caches
    return dict(memo, groups=remembered)


def with_checked_roles(memo, roles):
    return dict(memo, checked_roles=sorted(set(memo.get("checked_roles") or []) | set(roles)))
