"""ElastiCache user groups (RBAC), and what replication groups need of them, as the user guide documents them.

States: creating -> active, modifying -> active (ModifyUserGroup, or a member deleted), deleting -> gone, on the
emulator's clock. While modifying, UserIds still lists the members the nodes enforce and PendingChanges
{UserIdsToAdd, UserIdsToRemove} what changes when the modification ends. Engines ("RBAC with Valkey"): a redis group
holds redis users and needs a user named `default`; a valkey group holds valkey users and redis users with a password,
needs no default user (the nodes then turn `default` off); a Redis OSS replication group takes redis groups only, a
Valkey one both; a valkey group attaches to Valkey groups only. User names are unique in a group; a group in use by
a replication group cannot be deleted.

acl_users() is what the nodes of a replication group enforce: one ACL user per member of its user groups, the
`default` one included, so NOPERM and WRONGPASS come from Redis itself.
"""

from __future__ import annotations

from .. import rules
from .common import error, page, request_tags, version_tuple
from .users import engine_name, minimum_version, settled

GROUP_QUOTA, USERS_PER_GROUP = 100, 100


class UserGroups:
    """The op_* handlers of user groups, and the replication groups' view of them."""

    def _user_groups(self, region):
        return settled(region.__dict__.setdefault("user_groups", {}))

    def _user_group(self, region, group_id):
        group = self._user_groups(region).get((group_id or "").lower())
        if group is None:
            raise error("UserGroupNotFound", f"User group {group_id} not found.")
        return group

    @staticmethod
    def check_member(group_engine, user):
        """A user may be in a group of this engine ("RBAC with Valkey")."""
        if group_engine == "redis" and user["Engine"] != "redis":
            raise rules.invalid(f"User {user['UserId']} is a {user['Engine']} user: a redis user group holds redis "
                                "users only.")
        if group_engine == "valkey" and user["Authentication"]["Type"] == "no-password":
            raise rules.invalid(f"User {user['UserId']} needs no password: a valkey user group holds only users "
                                "with a password or IAM authentication.")

    def _members(self, region, engine, user_ids):
        users = []
        for user_id in user_ids:
            user = self._user(region, user_id)
            if user["Status"] == "deleting":
                raise error("UserNotFound", f"User {user_id} is being deleted.")
            self.check_member(engine, user)
            users.append(user)
        names = [u["UserName"] for u in users]
        duplicates = sorted(set(n for n in names if names.count(n) > 1))
        if duplicates:
            raise error("DuplicateUserName", f"User names must be unique in a user group: {', '.join(duplicates)}.")
        if engine == "redis" and "default" not in names:
            raise error("DefaultUserRequired", "A redis user group needs a user named default.")
        if len(users) > USERS_PER_GROUP:
            raise rules.invalid(f"A user group holds at most {USERS_PER_GROUP} users.")
        return users

    @staticmethod
    def _render_user_group(group):
        result = {key: (list(value) if isinstance(value, list) else value) for key, value in group.items()
                  if not key.startswith("_")}
        if "PendingChanges" in group:
            result["PendingChanges"] = {k: list(v) for k, v in group["PendingChanges"].items()}
        result["ServerlessCaches"] = list(group.get("_serverless_caches", ()))
        return result

    def op_CreateUserGroup(self, region, p):  # pylint: disable=invalid-name
        groups = self._user_groups(region)
        group_id = rules.identifier(p["UserGroupId"], "UserGroupId")
        if group_id in groups:
            raise error("UserGroupAlreadyExists", f"User group {group_id} already exists.")
        if len(groups) >= GROUP_QUOTA:
            raise error("UserGroupQuotaExceeded", f"The account already has {GROUP_QUOTA} user groups.")
        engine = engine_name(p["Engine"])
        user_ids = list(dict.fromkeys(u.lower() for u in p.get("UserIds") or []))
        self._members(region, engine, user_ids)
        arn = region.arn("usergroup", group_id)
        groups[group_id] = {"UserGroupId": group_id, "Engine": engine, "UserIds": user_ids,
                            "MinimumEngineVersion": minimum_version(engine), "ReplicationGroups": [], "ARN": arn}
        self._transition(groups[group_id], "creating", "active", self.config.create_seconds)
        region.tags[arn] = request_tags(p)
        return self._render_user_group(groups[group_id])

    def change_members(self, group, adding, removing, engine=None):
        """Start (or extend) a modification of `group`'s members: PendingChanges now, UserIds when it ends."""
        wanted = list(group.get("_apply", {}).get("UserIds", group["UserIds"]))
        wanted = [u for u in wanted if u not in removing] + [u for u in adding if u not in wanted]
        pending = group.get("PendingChanges") or {"UserIdsToRemove": [], "UserIdsToAdd": []}
        pending = {"UserIdsToRemove": sorted((set(pending["UserIdsToRemove"]) | set(removing)) - set(adding)),
                   "UserIdsToAdd": sorted((set(pending["UserIdsToAdd"]) | set(adding)) - set(removing))}
        group["PendingChanges"] = pending
        apply = {"UserIds": wanted, "PendingChanges": None}
        if engine:
            apply["Engine"] = engine
        self._transition(group, "modifying", "active", apply=apply)

    def op_ModifyUserGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._user_group(region, p["UserGroupId"])
        if group["Status"] != "active":
            raise error("InvalidUserGroupState", f"User group {group['UserGroupId']} is {group['Status']}.")
        adding = [u.lower() for u in p.get("UserIdsToAdd") or []]
        removing = [u.lower() for u in p.get("UserIdsToRemove") or []]
        if set(adding) & set(removing):
            raise rules.combination("A user cannot be both added and removed.")
        for user_id in removing:
            if user_id not in group["UserIds"]:
                raise error("UserNotFound", f"User {user_id} is not in user group {group['UserGroupId']}.")
        engine = engine_name(p.get("Engine", group["Engine"]))
        if engine == "valkey" and group["Engine"] == "redis":
            redis_attached = [r for r in group["ReplicationGroups"] if self._group(region, r).engine == "redis"]
            if redis_attached:
                raise rules.combination(f"User group {group['UserGroupId']} is used by the Redis OSS replication "
                                        f"group {redis_attached[0]}: it stays a redis user group.")
        wanted = [u for u in group["UserIds"] if u not in removing] + [u for u in adding if u not in group["UserIds"]]
        self._members(region, engine, wanted)
        if not adding and not removing and engine == group["Engine"]:
            return self._render_user_group(group)
        self.change_members(group, adding, removing, engine if engine != group["Engine"] else None)
        return self._render_user_group(group)

    def op_DeleteUserGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._user_group(region, p["UserGroupId"])
        users = group["ReplicationGroups"] + group.get("_serverless_caches", [])
        if users:
            raise error("InvalidUserGroupState", f"User group {group['UserGroupId']} is used by "
                        f"{', '.join(users)}: remove it from them first.")
        if group["Status"] != "active":
            raise error("InvalidUserGroupState", f"User group {group['UserGroupId']} is {group['Status']}.")
        self._transition(group, "deleting", "gone", self.config.delete_seconds)
        region.tags.pop(group["ARN"], None)
        return self._render_user_group(group)

    def op_DescribeUserGroups(self, region, p):  # pylint: disable=invalid-name
        groups = self._user_groups(region)
        found = [self._user_group(region, p["UserGroupId"])] if p.get("UserGroupId") else \
            [groups[k] for k in sorted(groups)]
        return page([self._render_user_group(g) for g in found], p, "UserGroups")

    # --- what replication groups need --------------------------------------------------------------

    def check_user_groups(self, region, group_ids, engine, version):
        """The user groups a replication group asks for: they exist, are active, fit its engine; Redis OSS 6.0+."""
        for group_id in group_ids:
            group = self._user_group(region, group_id)
            if group["Status"] != "active":
                raise error("InvalidUserGroupState", f"User group {group_id} is {group['Status']}, not active.")
            if engine == "redis" and group["Engine"] != "redis":
                raise rules.combination(f"User group {group_id} is a {group['Engine']} user group: a Redis OSS "
                                        "replication group takes redis user groups only.")
        if group_ids and engine == "redis" and version_tuple(str(version)) < (6, 0):
            raise rules.combination(f"User groups need Redis OSS 6.0 or later, not {version}.")
        return [g.lower() for g in group_ids]

    def attach_user_groups(self, region, replication_group_id, before, after):
        for group_id in set(before) - set(after):
            group = self._user_groups(region).get(group_id)
            if group and replication_group_id in group["ReplicationGroups"]:
                group["ReplicationGroups"].remove(replication_group_id)
        for group_id in set(after) - set(before):
            group = self._user_groups(region).get(group_id)
            if group and replication_group_id not in group["ReplicationGroups"]:
                group["ReplicationGroups"].append(replication_group_id)

    def acl_users(self, region, group_ids):
        """[(user name, passwords, access string)] the nodes of a group with these user groups enforce, sorted by
        name: the members each user group has now (not its pending ones), as their last finished change left them."""
        users = self._users(region)
        found = {}
        for group_id in group_ids:
            group = self._user_groups(region).get(group_id) or {}
            for user_id in group.get("UserIds") or []:
                user = users.get(user_id)
                if user is not None and user["Status"] != "deleting":
                    passwords, access = user["_acl"]
                    found[user["UserName"]] = (user["UserName"], tuple(passwords), access)
        return [found[name] for name in sorted(found)]
