#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: prerequisites_info
short_description: Look up what an ElastiCache setup needs to exist already
version_added: 0.2.0
description:
  - Read-only. Finds the VPC (the default VPC unless I(vpc_id) is given), its subnets with their availability
    zones, the application security group by name in that VPC, and whether SNS topics exist.
  - Also whether the snapshots to restore from (I(snapshot_names)) and the cache clusters to adopt
    (I(cache_cluster_ids)) exist, so that an input naming one that does not is refused before anything is made.
  - With I(replication_group_ids), also describes those replication groups, as
    M(funmagic.elasticache.replication_group_info) does without tags, with the first member's details (engine
    version and parameter group, from one DescribeCacheClusters walk), so that a check of the inputs takes one
    module execution.
  - With I(serverless_cache_names), also describes those ElastiCache Serverless caches, in the same execution.
  - M(funmagic.elasticache.inputs) uses it to check an inventory before anything is changed.
author:
  - Funmagic Platform Team (@funmagic)
options:
  vpc_id:
    description: The VPC. The region's default VPC when omitted.
    type: str
  app_security_group:
    description: Name of the application's EC2 security group, looked up in the VPC.
    type: str
  redis_security_group:
    description: Name of the Redis security group, looked up in the VPC in the same call (it may not exist yet).
    type: str
  sns_topic_arns:
    description: SNS topics whose existence is checked.
    type: list
    elements: str
    default: []
  replication_group_ids:
    description: Replication groups to describe (one C(DescribeReplicationGroups) call, or one walk for several).
    type: list
    elements: str
    version_added: 0.2.0
  snapshot_names:
    description: ElastiCache snapshots whose existence is checked (C(DescribeSnapshots) by name, one call each).
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  cache_cluster_ids:
    description: Cache clusters looked up by id (C(DescribeCacheClusters), one call each).
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  kms_key_ids:
    description: KMS keys (ARNs, ids or C(alias/...) names) looked up (C(DescribeKey), one call each).
    type: list
    elements: str
    default: []
    version_added: 0.3.0
  serverless_cache_names:
    description: Serverless caches to describe (one C(DescribeServerlessCaches) call, or one walk for several).
    type: list
    elements: str
    default: []
    version_added: 0.3.0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: What exists for the runbook's names
  funmagic.elasticache.prerequisites_info:
    app_security_group: funmagic-ec2-sg
  register: found
"""

RETURN = r"""
vpcs:
  description: The VPC found (none or one), as C(vpc_id) and C(cidr_block).
  returned: always
  type: list
  elements: dict
subnets:
  description:
    - The VPC's subnets, as C(subnet_id) and C(availability_zone), C(ipv4) (whether it has an IPv4 CIDR) and
      C(ipv6_cidr_blocks) (its associated IPv6 CIDRs), which the network types of the groups need.
  returned: always
  type: list
  elements: dict
app_security_groups:
  description: Security groups named I(app_security_group) in the VPC, as C(group_id) and C(group_name).
  returned: always
  type: list
  elements: dict
redis_security_groups:
  description: Security groups named I(redis_security_group) in the VPC, as C(group_id) and C(group_name).
  returned: always
  type: list
  elements: dict
sns_topics:
  description: Topic ARN to whether it exists.
  returned: always
  type: dict
snapshots:
  description: Snapshot name to whether it exists.
  returned: always
  type: dict
  version_added: 0.2.0
cache_clusters:
  description:
    - Cache cluster id to C(status) and C(replication_group_id) (null for a standalone cluster), or null when the
      cluster does not exist.
  returned: always
  type: dict
  version_added: 0.2.0
kms_keys:
  description: KMS key (as asked) to C(arn) and C(state) (C(Enabled), C(Disabled), C(PendingDeletion), ...), or null.
  returned: always
  type: dict
  version_added: 0.3.0
replication_groups:
  description:
    - The groups of I(replication_group_ids) that exist, as M(funmagic.elasticache.replication_group_info) returns
      them with C(tags=false). Empty when I(replication_group_ids) is not given.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
serverless_caches:
  description:
    - The caches of I(serverless_cache_names) that exist, as M(funmagic.elasticache.replication_group_info) returns
      them. Empty when I(serverless_cache_names) is not given.
  returned: always
  type: list
  elements: dict
  version_added: 0.3.0
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import connect
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_groups
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_serverless_caches
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import group_result
from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import cache_result


def topic_exists(sns, arn):
    try:
        sns.get_topic_attributes(TopicArn=arn)
    except is_ansible_aws_error_code(("NotFound", "NotFoundException", "InvalidParameter")):
        return False
    return True


def snapshot_exists(elasticache, name):
    try:
        return bool(elasticache.describe_snapshots(SnapshotName=name).get("Snapshots"))
    except is_ansible_aws_error_code("SnapshotNotFoundFault"):
        return False


def cache_cluster(elasticache, cluster_id):
    """{status, replication_group_id} of a cache cluster, or None when there is none of that id."""
    try:
        clusters = elasticache.describe_cache_clusters(CacheClusterId=cluster_id).get("CacheClusters") or []
    except is_ansible_aws_error_code("CacheClusterNotFound"):
        return None
    return {"status": clusters[0].get("CacheClusterStatus"),
            "replication_group_id": clusters[0].get("ReplicationGroupId")} if clusters else None


def kms_key(kms, key_id):
    """{arn, state} of a KMS key, or None when there is none by that id, ARN or alias."""
    try:
        metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except is_ansible_aws_error_code("NotFoundException"):
        return None
    return {"arn": metadata["Arn"], "state": metadata.get("KeyState")}


def subnet_facts(subnet):
    """A subnet's id, zone, whether it has an IPv4 CIDR, and its associated IPv6 CIDRs."""
    return {"subnet_id": subnet["SubnetId"], "availability_zone": subnet["AvailabilityZone"],
            "ipv4": bool(subnet.get("CidrBlock")),
            "ipv6_cidr_blocks": [a["Ipv6CidrBlock"] for a in subnet.get("Ipv6CidrBlockAssociationSet") or []
                                 if (a.get("Ipv6CidrBlockState") or {}).get("State") == "associated"]}


def lookup(module, ec2):
    """(changed, what was found): read-only."""
    params = module.params
    found = {"vpcs": [], "subnets": [], "app_security_groups": [], "redis_security_groups": [], "sns_topics": {},
             "snapshots": {}, "cache_clusters": {}, "kms_keys": {}, "replication_groups": [],
             "serverless_caches": []}
    vpc_filter = {"Name": "vpc-id", "Values": [params["vpc_id"]]} if params["vpc_id"] \
        else {"Name": "is-default", "Values": ["true"]}
    vpcs = ec2.paginate("describe_vpcs", "Vpcs", Filters=[vpc_filter])
    found["vpcs"] = [{"vpc_id": v["VpcId"], "cidr_block": v.get("CidrBlock")} for v in vpcs]
    if vpcs:
        in_vpc = {"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}
        subnets = ec2.paginate("describe_subnets", "Subnets", Filters=[in_vpc])
        found["subnets"] = sorted((subnet_facts(s) for s in subnets), key=lambda s: s["subnet_id"])
        names = [params[k] for k in ("app_security_group", "redis_security_group") if params[k]]
        if names:
            groups = ec2.paginate("describe_security_groups", "SecurityGroups", Filters=[
                in_vpc, {"Name": "group-name", "Values": names}])
            for key in ("app_security_group", "redis_security_group"):
                found[key + "s"] = [{"group_id": g["GroupId"], "group_name": g["GroupName"]} for g in groups
                                    if g["GroupName"] == params[key]]
    if params["sns_topic_arns"]:
        sns = connect(module, "sns")
        found["sns_topics"] = dict((arn, topic_exists(sns, arn)) for arn in params["sns_topic_arns"])
    elasticache = connect(module) if params["snapshot_names"] or params["cache_cluster_ids"] \
        or params["replication_group_ids"] or params["serverless_cache_names"] else None
    found["snapshots"] = dict((name, snapshot_exists(elasticache, name)) for name in params["snapshot_names"])
    found["cache_clusters"] = dict((cid, cache_cluster(elasticache, cid)) for cid in params["cache_cluster_ids"])
    if params["kms_key_ids"]:
        kms = connect(module, "kms")
        found["kms_keys"] = dict((key, kms_key(kms, key)) for key in params["kms_key_ids"])
    if params["replication_group_ids"]:
        ids = [i.lower() for i in params["replication_group_ids"]]
        groups = describe_groups(elasticache, ids)
        clusters = dict((c["CacheClusterId"], c) for c in elasticache.paginate(
            "describe_cache_clusters", "CacheClusters")) if groups else {}
        found["replication_groups"] = [group_result(g, clusters.get((g.get("MemberClusters") or [None])[0]))
                                       for g in groups]
    if params["serverless_cache_names"]:
        found["serverless_caches"] = [cache_result(c) for c in describe_serverless_caches(
            elasticache, [n.lower() for n in params["serverless_cache_names"]])]
    return False, found


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            vpc_id=dict(type="str"),
            app_security_group=dict(type="str"),
            redis_security_group=dict(type="str"),
            sns_topic_arns=dict(type="list", elements="str", default=[]),
            replication_group_ids=dict(type="list", elements="str"),
            snapshot_names=dict(type="list", elements="str", default=[]),
            cache_cluster_ids=dict(type="list", elements="str", default=[]),
            kms_key_ids=dict(type="list", elements="str", default=[], no_log=False),
            serverless_cache_names=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    run(module, lookup, "ec2")


if __name__ == "__main__":
    main()
