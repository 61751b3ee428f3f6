# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the inputs against what AWS already has, from read-only lookups: what must exist before anything is
made (the VPC, subnets in two availability zones, the application security group, SNS topics), and what AWS cannot
change on a replication group that exists. Each returns what it decides and changes none of its arguments.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.module_utils import node_placement
from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import serverless_spec
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import tls_move


def check_prerequisites(model, found, replication_groups=None):
    """Errors for what must already exist in AWS, from read-only lookups.

    found: vpcs (the chosen VPC, 0 or 1), subnets (of that VPC), app_security_groups and redis_security_groups
    (by name in that VPC), sns_topics (arn -> exists), snapshots (name -> exists), cache_clusters (id -> status and
    replication group, or None). replication_groups: those that exist, when they were described: the snapshot to
    restore from and the cluster to adopt are needed only by an instance whose group does not exist yet. Returns the
    network facts found (vpc_id, subnet_ids, availability zones, app_security_group_id, redis_security_group_id or
    None while it does not exist yet), or raises InputError.
    """
    errors, network = [], model["network"]
    vpcs = found.get("vpcs") or []
    if not vpcs:
        errors.append("network_vpc_id: VPC %s was not found in %s" % (network["vpc_id"], model.get("region"))
                      if network["vpc_id"] else
                      "network_vpc_id: this account has no default VPC in %s; set network_vpc_id" % model.get("region"))
        raise InputError(errors)
    vpc_id = vpcs[0]["vpc_id"]
    by_id = dict((s["subnet_id"], s) for s in found.get("subnets") or [])
    chosen = network["subnet_ids"] or sorted(by_id)
    for index, subnet in enumerate(network["subnet_ids"]):
        if subnet not in by_id:
            errors.append("network_subnet_ids[%d]: subnet %s is not in VPC %s" % (index, subnet, vpc_id))
    zones = sorted(set(by_id[s]["availability_zone"] for s in chosen if s in by_id))
    if len(zones) < 2:
        errors.append("%s: the subnets of VPC %s are in %s; ElastiCache needs subnets in at least two availability "
                      "zones for Multi-AZ and failover; add a subnet in another zone or list subnets of two zones"
                      % ("network_subnet_ids" if network["subnet_ids"] else "network_vpc_id", vpc_id,
                         "one availability zone (%s)" % zones[0] if zones else "no subnet"))
    errors.extend(_node_networks(model, [by_id[s] for s in chosen if s in by_id], vpc_id))
    groups = found.get("app_security_groups") or []
    if len(groups) != 1:
        errors.append("network_app_security_group: no security group named %r in VPC %s; create it (it is the group "
                      "of your EC2 application instances) or set network_app_security_group to its name"
                      % (network["app_security_group"], vpc_id))
    for index, arn in enumerate((model.get("monitoring") or {}).get("actions") or []):
        if not (found.get("sns_topics") or {}).get(arn):
            errors.append("monitoring_alarm_actions[%d]: SNS topic %s does not exist; create it or remove it" % (index, arn))
    for key_id in (model.get("named") or {}).get("kms_key_ids") or []:
        key = (found.get("kms_keys") or {}).get(key_id)
        if not key or key.get("state") != "Enabled":
            errors.append("cache_kms_key: KMS key %s %s; set the ARN of an enabled key, create to have one made, or "
                          "leave it empty for AWS-owned keys" % (key_id, "is %s" % key["state"] if key else
                                                                 "does not exist in %s" % model.get("region")))
    if replication_groups is not None:
        errors.extend(_sources(model, found, set(g["replication_group_id"] for g in replication_groups)))
    if errors:
        raise InputError(errors)
    redis = found.get("redis_security_groups") or []
    # The Redis security group's inbound rules, each from the application security group only: cache_port, and 6380
    # (a serverless cache's reader endpoint) when the model has a serverless instance.
    ingress = [{"port": port, "group_id": groups[0]["group_id"], "description": "Redis %sfrom %s" % (
        "" if port == model["port"] else "reader endpoint ", network["app_security_group"])}
        for port in serverless_spec.ingress_ports(model["port"], model["instances"])]
    return {"vpc_id": vpc_id, "subnet_ids": [s for s in chosen if s in by_id], "availability_zones": zones,
            "app_security_group_id": groups[0]["group_id"], "ingress": ingress,
            "redis_security_group_id": redis[0]["group_id"] if redis else None}


def _node_networks(model, subnets, vpc_id):
    """What each instance's network_type and preferred_azs need of the subnet group's subnets: IPv6 CIDRs on every
    subnet for dual_stack (and IPv4 ones), IPv6-only subnets for ipv6 (ElastiCache's "Choosing a network type");
    zones that have a subnet."""
    errors = []
    zones = sorted(set(s["availability_zone"] for s in subnets))
    for index, spec in enumerate(model["instances"]):
        where = "cache_instances[%d] (%s)" % (index, spec["name"])
        network = spec.get("network_type")
        if network == "dual_stack":
            lacking = [s["subnet_id"] for s in subnets if not s.get("ipv6_cidr_blocks") or not s.get("ipv4")]
            need = "both an IPv4 and an IPv6 CIDR"
        elif network == "ipv6":
            lacking = [s["subnet_id"] for s in subnets if not s.get("ipv6_cidr_blocks") or s.get("ipv4")]
            need = "an IPv6 CIDR and no IPv4 one (IPv6-only subnets)"
        else:
            lacking = []
        if lacking:
            errors.append("%s.network_type: %s needs subnets with %s; in VPC %s, %s do(es) not. Give the subnets IPv6 "
                          "CIDRs (or list others in network_subnet_ids), or set network_type: ipv4"
                          % (where, network, need, vpc_id, ", ".join(lacking)))
        for zone in sorted(set(spec.get("preferred_azs") or []) - set(zones)):
            errors.append("%s.preferred_azs: %s has no subnet of the subnet group (its zones are %s); choose among "
                          "them or add a subnet there" % (where, zone, ", ".join(zones) or "none"))
    return errors


def _sources(model, found, existing_ids):
    """What the cache role names when it creates a group: the event topic, the snapshot to restore, the cluster to
    adopt (the last two only for groups that do not exist yet: after the first run they are history)."""
    errors, region = [], model.get("region")
    topic = model["cache"].get("notification_topic_arn")
    if topic and topic in found.get("sns_topics", {}) and not found["sns_topics"][topic]:
        errors.append("cache_notification_topic_arn: SNS topic %s does not exist; create it, or leave "
                      "cache_notification_topic_arn empty for no event notifications" % topic)
    for index, spec in enumerate(model["instances"]):
        if spec["replication_group_id"] in existing_ids:
            continue
        where = "cache_instances[%d] (%s)" % (index, spec["name"])
        snapshot = spec.get("restore_from_snapshot")
        if snapshot and not (found.get("snapshots") or {}).get(snapshot, True):
            errors.append("%s.restore_from_snapshot: snapshot %s does not exist in %s; list them with aws elasticache "
                          "describe-snapshots" % (where, snapshot, region))
        cluster_id = spec.get("primary_cluster_id")
        if cluster_id and cluster_id in (found.get("cache_clusters") or {}):
            cluster = found["cache_clusters"][cluster_id]
            if cluster is None:
                errors.append("%s.primary_cluster_id: cache cluster %s does not exist in %s" % (where, cluster_id, region))
            elif cluster.get("replication_group_id"):
                errors.append("%s.primary_cluster_id: cache cluster %s is a member of replication group %s; only a "
                              "standalone cluster can be adopted" % (where, cluster_id, cluster["replication_group_id"]))
            elif cluster.get("status") != "available":
                errors.append("%s.primary_cluster_id: cache cluster %s is %s; it can be adopted once it is available"
                              % (where, cluster_id, cluster.get("status")))
    return errors


def check_existing(specs, groups, port):
    """What AWS cannot change on the groups that exist, refused (InputError) before anything changes, with the
    choices; else the token update strategy of each group that exists without a token while the inventory has
    one (replication group id -> "rotate"): its token is added with ROTATE (clients without a token keep working)
    and made the only way in (SET) by the auth role once the hosts use it.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    errors, strategies = [], {}
    for index, spec in enumerate(specs):
        group = by_id.get(spec["replication_group_id"])
        if group is None or group.get("status") == "deleting":
            continue
        where = "cache_instances[%d] (%s)" % (index, spec["name"])
        if serverless.is_serverless(spec):
            errors.append("%s.kind: replication group %s exists, and a serverless cache cannot take its place in one "
                          "step; keep kind: node, or move the instance to serverless under another name (snapshot, "
                          "restore into the new instance, move the hosts, then delete %s with a final snapshot)"
                          % (where, spec["replication_group_id"], spec["replication_group_id"]))
            continue
        migrate = ("or migrate: snapshot the group, create a new instance from the snapshot with the setting you "
                   "want, move the clients to it, then delete %s with a final snapshot" % spec["replication_group_id"])
        at_rest = bool(group.get("at_rest_encryption_enabled"))
        if at_rest != bool(spec["at_rest_encryption"]):
            errors.append("%s.at_rest_encryption: replication group %s has it %s and AWS cannot change that in place; "
                          "either keep it (set at_rest_encryption: %s for this instance) %s"
                          % (where, spec["replication_group_id"], "on" if at_rest else "off",
                             str(at_rest).lower(), migrate))
        if group.get("engine") == "valkey" and spec["engine"] == "redis":
            errors.append("%s.engine: replication group %s runs valkey, which cannot go back to redis; set engine: valkey"
                          % (where, spec["replication_group_id"]))
        if bool(group.get("cluster_enabled")) != bool(spec["cluster_mode"]):
            errors.append("%s.cluster_mode: replication group %s has cluster mode %s and AWS cannot change that in "
                          "place; either keep it (set cluster_mode: %s for this instance) %s"
                          % (where, spec["replication_group_id"], "enabled" if group.get("cluster_enabled") else
                             "disabled", str(bool(group.get("cluster_enabled"))).lower(), migrate))
        endpoint = group.get("primary_endpoint") or group.get("configuration_endpoint") or {}
        if port and endpoint.get("port") and endpoint["port"] != port:
            errors.append("cache_port: replication group %s listens on %s and AWS cannot change a port in place; "
                          "either set cache_port: %s %s" % (spec["replication_group_id"], endpoint["port"],
                                                            endpoint["port"], migrate))
        errors.extend(_fixed_node_options(where, spec, group, migrate))
        errors.extend(_global_membership(where, spec, group))
        errors.extend(tls_move.check(where, spec, group))
        if spec["auth"] and not group.get("auth_token_enabled"):
            strategies[spec["replication_group_id"]] = "rotate"
    if errors:
        raise InputError(errors)
    return strategies


def _fixed_node_options(where, spec, group, migrate):
    """data_tiering and network_type are fixed at creation: an inventory that differs is refused with the choices."""
    errors, wanted = [], node_placement.resolved(spec)
    found = {"data_tiering": group.get("data_tiering") == "enabled",
             "network_type": group.get("network_type") or "ipv4"}
    for option in ("data_tiering", "network_type"):
        if wanted.get(option) is not None and wanted[option] != found[option]:
            shown = str(found[option]).lower() if option == "data_tiering" else found[option]
            errors.append("%s.%s: replication group %s has %s %s and AWS cannot change that in place; either keep it "
                          "(set %s: %s for this instance) %s"
                          % (where, option, spec["replication_group_id"], option, shown, option, shown, migrate))
    return errors


def _global_membership(where, spec, group):
    """A group in a global datastore the instance does not list (global): a rerun would neither keep its secondaries
    in step nor remove them, so the inventory must say which it wants."""
    info = group.get("global_replication_group_info") or {}
    datastore = info.get("global_replication_group_id")
    if not datastore or spec.get("global"):
        return []
    return ["%s.global: replication group %s is the %s member of global datastore %s, and the instance lists no "
            "global; to keep the datastore, give its other Regions in global: {regions: [...]} (aws elasticache "
            "describe-global-replication-groups --show-member-info lists them); to end it, take it apart first "
            "(funmagic.elasticache.global_replication_group with suffix %s and state: absent leaves each Region's "
            "group standalone, with its data)"
            % (where, spec["replication_group_id"], (info.get("global_replication_group_member_role") or "").lower(),
               datastore, spec["replication_group_id"])]


def check_drill(model):
    """The failover drill's instance must have a replication group (InputError otherwise)."""
    drill = model["failover_drill"]
    by_name = dict((spec["name"], spec["replication_group_id"]) for spec in model["instances"])
    if drill["instance"] in by_name and by_name[drill["instance"]] in model["missing"]:
        raise InputError(["failover_drill_instance: the replication group of %s (%s) does not exist; run "
                          "playbooks/provision.yml first" % (drill["instance"], by_name[drill["instance"]])])
