"""Tags on every ARN the emulator hands out: list, add, remove; a deleted resource is not found."""

from __future__ import annotations

from .. import rules
from .common import error, request_tags


class Tags:
    """The op_* handlers of tags."""

    def _tagged(self, region, arn):
        """The tags of any taggable ARN the emulator hands out; a resource that does not exist is not found."""
        parts = arn.split(":")
        kind, name = (parts[5], ":".join(parts[6:])) if len(parts) >= 7 and parts[:3] == ["arn", "aws",
                                                                                          "elasticache"] else ("", "")
        exists = {
            "replicationgroup": lambda: name in region.groups,
            "cluster": lambda: name in region.member_clusters(),
            "subnetgroup": lambda: name in region.subnet_groups,
            "parametergroup": lambda: name in region.parameter_groups,
            "snapshot": lambda: name in region.snapshots,
            "user": lambda: name in self._users(region),
            "usergroup": lambda: name in self._user_groups(region),
        }.get(kind)
        if exists is None:
            raise error("InvalidARN", f"The ARN {arn} is not valid.")
        if not exists():
            code = {"replicationgroup": "ReplicationGroupNotFoundFault", "subnetgroup": "CacheSubnetGroupNotFoundFault",
                    "parametergroup": "CacheParameterGroupNotFound", "snapshot": "SnapshotNotFoundFault",
                    "cluster": "CacheClusterNotFound", "user": "UserNotFound", "usergroup": "UserGroupNotFound"}[kind]
            raise error(code, f"The resource {arn} was not found.")
        return region.tags.setdefault(arn, [])

    def op_ListTagsForResource(self, region, p):  # pylint: disable=invalid-name
        return {"TagList": list(self._tagged(region, p["ResourceName"]))}

    def op_AddTagsToResource(self, region, p):  # pylint: disable=invalid-name
        tags = {t["Key"]: t["Value"] for t in self._tagged(region, p["ResourceName"])}
        for tag in request_tags(p):
            if tag["Key"].lower().startswith("aws:"):
                raise rules.invalid("Tag keys starting with aws: are reserved.")
            tags[tag["Key"]] = tag["Value"]
        if len(tags) > 50:
            raise error("TagQuotaPerResourceExceeded", "A resource can have at most 50 tags.")
        region.tags[p["ResourceName"]] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return {"TagList": region.tags[p["ResourceName"]]}

    def op_RemoveTagsFromResource(self, region, p):  # pylint: disable=invalid-name
        tags = self._tagged(region, p["ResourceName"])
        region.tags[p["ResourceName"]] = [t for t in tags if t["Key"] not in p["TagKeys"]]
        return {"TagList": region.tags[p["ResourceName"]]}
