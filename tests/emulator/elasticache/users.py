"""ElastiCache users and user groups (RBAC), as the ElastiCache API reference and user guide document them.

Users: active at once on create (as AWS answers CreateUser), modifying for modify_seconds after a change, deleting
then gone. User groups: creating -> active, modifying -> active, deleting -> gone, on the same clock. A user group
holds a user named `default`, user names are unique in a group, a user or group in use cannot be deleted. What a
replication group's nodes enforce follows from its user groups (acl_users): the redis-servers get one ACL user per
user, the `default` one included, so NOPERM and WRONGPASS come from Redis itself.
"""

from __future__ import annotations

import re
import time

from .. import rules
from ..protocol import AWSError
from .common import error, page, request_tags

# CreateUser UserName and UserId: a letter first, then letters, digits, hyphens (as the console and CLI refuse others).
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,39}$")
# User passwords: 16 to 128 printable characters, none of , " / @ and no space (ElastiCache user guide, RBAC).
_PASSWORD = re.compile(r'^[\x21-\x7e]{16,128}$')
_PASSWORD_FORBIDDEN = set(',"/@')
# Access strings: ElastiCache refuses passwords and resets inside them (the user guide's "Specifying Permissions").
_FORBIDDEN_RULES = re.compile(r"(^|\s)([><#!]\S*|nopass|resetpass|reset)(?=\s|$)", re.IGNORECASE)


def _settle(item):
    """Finish an item's transition whose time has come: its next status, or None when it is gone."""
    until = item.get("_until")
    if until is not None and until <= time.monotonic():
        item["Status"], item["_until"] = item.pop("_next"), None
    return item


class Users:
    """The op_* handlers of users and user groups, and what the redis-servers need of them."""

    def _users(self, region):
        if "users" not in region.__dict__:
            # Every account has AWS's own user `default` (no password, every key and command), which cannot be deleted.
            region.users = {"default": {
                "UserId": "default", "UserName": "default", "Engine": "redis", "AccessString": "on ~* +@all",
                "Status": "active", "Authentication": {"Type": "no-password"}, "_passwords": [],
                "ARN": region.arn("user", "default")}}
        found = region.users
        for key in [k for k, v in found.items() if _settle(v)["Status"] == "gone"]:
            del found[key]
        return found

    def _user_groups(self, region):
        found = region.__dict__.setdefault("user_groups", {})
        for key in [k for k, v in found.items() if _settle(v)["Status"] == "gone"]:
            del found[key]
        return found

    def _user(self, region, user_id):
        user = self._users(region).get(user_id)
        if user is None:
            raise error("UserNotFound", f"User {user_id} not found.")
        return user

    def _user_group(self, region, group_id):
        group = self._user_groups(region).get(group_id)
        if group is None:
            raise error("UserGroupNotFound", f"User group {group_id} not found.")
        return group

    def _transition(self, item, status, final, seconds=None):
        item["Status"], item["_next"] = status, final
        item["_until"] = time.monotonic() + (self.config.modify_seconds if seconds is None else seconds)

    @staticmethod
    def _authentication(p, current=None):
        """(passwords, Authentication) from NoPasswordRequired, Passwords and AuthenticationMode."""
        mode = (p.get("AuthenticationMode") or {}).get("Type")
        passwords = p.get("Passwords") or (p.get("AuthenticationMode") or {}).get("Passwords")
        if p.get("NoPasswordRequired") or mode == "no-password-required":
            if passwords:
                raise rules.combination("Passwords cannot be given with NoPasswordRequired.")
            return [], {"Type": "no-password"}
        if mode == "iam":
            raise AWSError("InvalidParameterValue", "IAM authentication is not implemented by the funmagic emulator.")
        if passwords is None:
            if current is not None:
                return current, None
            raise rules.invalid("Passwords or NoPasswordRequired is required.")
        if not 1 <= len(passwords) <= 2:
            raise rules.invalid("A user has one or two passwords.")
        for password in passwords:
            if not _PASSWORD.match(password) or _PASSWORD_FORBIDDEN & set(password):
                raise rules.invalid("Passwords must be 16 to 128 printable characters without , \" / @ or spaces.")
        return list(passwords), {"Type": "password", "PasswordCount": len(passwords)}

    @staticmethod
    def _access_string(value):
        if not value or _FORBIDDEN_RULES.search(value) or not value.split()[0] in ("on", "off"):
            raise rules.invalid(f"Invalid access string {value!r}: it must start with on or off and hold no "
                                "password or reset rule.")
        return " ".join(value.split())

    def _render_user(self, region, user):
        groups = sorted(g["UserGroupId"] for g in self._user_groups(region).values() if user["UserId"] in g["UserIds"])
        return {"UserId": user["UserId"], "UserName": user["UserName"], "Status": user["Status"],
                "Engine": user["Engine"], "MinimumEngineVersion": "6.0", "AccessString": user["AccessString"],
                "UserGroupIds": groups, "Authentication": dict(user["Authentication"]), "ARN": user["ARN"]}

    def op_CreateUser(self, region, p):  # pylint: disable=invalid-name
        users = self._users(region)
        user_id = rules.identifier(p["UserId"], "UserId")
        if not _NAME.match(p["UserName"]):
            raise rules.invalid(f"Invalid UserName {p['UserName']!r}.")
        if user_id in users:
            raise error("UserAlreadyExists", f"User {user_id} already exists.")
        passwords, authentication = self._authentication(p)
        arn = region.arn("user", user_id)
        users[user_id] = {"UserId": user_id, "UserName": p["UserName"], "Engine": p["Engine"].lower(),
                          "AccessString": self._access_string(p["AccessString"]), "Status": "active",
                          "Authentication": authentication, "_passwords": passwords, "ARN": arn}
        region.tags[arn] = request_tags(p)
        return self._render_user(region, users[user_id])

    def op_ModifyUser(self, region, p):  # pylint: disable=invalid-name
        user = self._user(region, p["UserId"])
        if user["Status"] != "active":
            raise error("InvalidUserState", f"User {user['UserId']} is {user['Status']}, not active.")
        if "AccessString" in p and "AppendAccessString" in p:
            raise rules.combination("AccessString and AppendAccessString cannot both be given.")
        if "AccessString" in p:
            user["AccessString"] = self._access_string(p["AccessString"])
        if "AppendAccessString" in p:
            user["AccessString"] = self._access_string(user["AccessString"] + " " + p["AppendAccessString"])
        if any(k in p for k in ("Passwords", "NoPasswordRequired", "AuthenticationMode")):
            user["_passwords"], authentication = self._authentication(p, user["_passwords"])
            if authentication is not None:
                user["Authentication"] = authentication
        if "Engine" in p:
            user["Engine"] = p["Engine"].lower()
        self._transition(user, "modifying", "active")
        return self._render_user(region, user)

    def op_DeleteUser(self, region, p):  # pylint: disable=invalid-name
        user = self._user(region, p["UserId"])
        if user["UserId"] == "default":
            raise rules.invalid("The default user cannot be deleted.")
        groups = [g for g in self._user_groups(region).values() if user["UserId"] in g["UserIds"]]
        if user["UserName"] == "default" and groups:
            raise error("DefaultUserAssociatedToUserGroup", f"User {user['UserId']} is the default user of "
                        f"user group {groups[0]['UserGroupId']}.")
        if any(g["ReplicationGroups"] for g in groups):
            raise error("InvalidUserState", f"User {user['UserId']} belongs to a user group in use.")
        for group in groups:
            group["UserIds"].remove(user["UserId"])
        self._transition(user, "deleting", "gone", self.config.delete_seconds)
        region.tags.pop(user["ARN"], None)
        return self._render_user(region, user)

    def op_DescribeUsers(self, region, p):  # pylint: disable=invalid-name
        users = self._users(region)
        if p.get("UserId"):
            found = [self._user(region, p["UserId"])]
        else:
            found = [users[k] for k in sorted(users)]
        if p.get("Engine"):
            found = [u for u in found if u["Engine"] == p["Engine"].lower()]
        return page([self._render_user(region, u) for u in found], p, "Users")

    # --- user groups ---------------------------------------------------------------------------------

    def _members(self, region, engine, user_ids):
        users = [self._user(region, user_id) for user_id in user_ids]
        names = [u["UserName"] for u in users]
        duplicates = sorted(set(n for n in names if names.count(n) > 1))
        if duplicates:
            raise error("DuplicateUserName", f"User names must be unique in a user group: {', '.join(duplicates)}.")
        if "default" not in names:
            raise error("DefaultUserRequired", "A user group needs a user named default.")
        if engine == "redis" and any(u["Engine"] == "valkey" for u in users):
            raise rules.invalid("A redis user group cannot hold valkey users.")
        return users

    @staticmethod
    def _render_user_group(group):
        result = {key: (list(value) if isinstance(value, list) else value) for key, value in group.items()
                  if not key.startswith("_")}
        result["ServerlessCaches"] = []
        return result

    def op_CreateUserGroup(self, region, p):  # pylint: disable=invalid-name
        groups = self._user_groups(region)
        group_id = rules.identifier(p["UserGroupId"], "UserGroupId")
        if group_id in groups:
            raise error("UserGroupAlreadyExists", f"User group {group_id} already exists.")
        engine = p["Engine"].lower()
        self._members(region, engine, p.get("UserIds") or [])
        arn = region.arn("usergroup", group_id)
        groups[group_id] = {"UserGroupId": group_id, "Engine": engine, "UserIds": list(p.get("UserIds") or []),
                            "MinimumEngineVersion": "6.0", "ReplicationGroups": [], "ARN": arn}
        self._transition(groups[group_id], "creating", "active", self.config.create_seconds)
        region.tags[arn] = request_tags(p)
        return self._render_user_group(groups[group_id])

    def op_ModifyUserGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._user_group(region, p["UserGroupId"])
        if group["Status"] != "active":
            raise error("InvalidUserGroupState", f"User group {group['UserGroupId']} is {group['Status']}.")
        adding, removing = p.get("UserIdsToAdd") or [], p.get("UserIdsToRemove") or []
        if set(adding) & set(removing):
            raise rules.combination("A user cannot be both added and removed.")
        for user_id in removing:
            if user_id not in group["UserIds"]:
                raise error("UserNotFound", f"User {user_id} is not in user group {group['UserGroupId']}.")
        wanted = [u for u in group["UserIds"] if u not in removing] + [u for u in adding if u not in group["UserIds"]]
        self._members(region, p.get("Engine", group["Engine"]).lower(), wanted)
        group["UserIds"] = wanted
        self._transition(group, "modifying", "active")
        return self._render_user_group(group)

    def op_DeleteUserGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._user_group(region, p["UserGroupId"])
        if group["ReplicationGroups"]:
            raise error("InvalidUserGroupState", f"User group {group['UserGroupId']} is used by "
                        f"{', '.join(group['ReplicationGroups'])}.")
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
        """The user groups a replication group asks for must exist, be active, match its engine, Redis 6+."""
        for group_id in group_ids:
            group = self._user_group(region, group_id)
            if group["Status"] != "active":
                raise error("InvalidUserGroupState", f"User group {group_id} is {group['Status']}, not active.")
            if engine == "redis" and group["Engine"] != "redis":
                raise rules.invalid(f"User group {group_id} is for {group['Engine']}, not redis.")
        if group_ids and engine == "redis" and int(str(version).split(".", maxsplit=1)[0]) < 6:
            raise rules.invalid("User groups need Redis OSS 6.0 or later.")

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
        """[(user name, passwords, access string)] the nodes of a group with these user groups enforce, sorted."""
        users = self._users(region)
        found = {}
        for group_id in group_ids:
            group = self._user_groups(region).get(group_id)
            for user_id in (group or {}).get("UserIds") or []:
                user = users.get(user_id)
                if user is not None:
                    found[user["UserName"]] = (user["UserName"], tuple(user["_passwords"]), user["AccessString"])
        return [found[name] for name in sorted(found)]
