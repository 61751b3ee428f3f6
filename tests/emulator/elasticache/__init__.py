"""ElastiCache as the collection uses it, following AWS's API reference where moto falls short.

One module per resource family, each a mixin of op_<Action>(self, region, params) handlers that
service.ElastiCache composes; ElastiCache.handle() calls the handler named after the request's operation.

    service.py             ElastiCache (dispatch, lock, regions, the clock), EmulatorConfig, NoDumps, EC2View
    common.py              account, region codes, timestamps, errors, request tags, paging, version tuples
    model.py               Group (a replication group or standalone cluster, rendered as AWS shows it), Region
    lifecycle.py           settings and creating/modifying/deleting transitions shared by groups and clusters
    replication_groups.py  CreateReplicationGroup ... TestFailover, replica counts, resharding
    cache_clusters.py      CreateCacheCluster ... DeleteCacheCluster, RebootCacheCluster
    snapshots.py           CreateSnapshot, DescribeSnapshots, DeleteSnapshot, automatic snapshots, restores
    subnet_groups.py       *CacheSubnetGroup*
    parameter_groups.py    *CacheParameterGroup*, DescribeCacheParameters
    engine_versions.py     DescribeCacheEngineVersions and engine/version checks
    events.py              DescribeEvents
    tags.py                ListTagsForResource, AddTagsToResource, RemoveTagsFromResource
    users.py               CreateUser ... DescribeUsers, and the ACL users a replication group's nodes enforce
    user_groups.py         CreateUserGroup ... DescribeUserGroups, and the user groups of replication groups
    global_groups.py       *GlobalReplicationGroup* (global datastores, visible from every region) and their secondaries

A new resource family (serverless caches, global datastores) is a new module
with its mixin, added to ElastiCache's bases; its state goes in model.Region.
"""

from .common import region_code
from .service import ElastiCache, EmulatorConfig

__all__ = ["ElastiCache", "EmulatorConfig", "region_code"]
