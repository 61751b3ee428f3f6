"""ElastiCache users (RBAC), as the API reference and the user guide's "Role-Based Access Control (RBAC)" document them.

A user is active at once on create (as AWS answers CreateUser), modifying for modify_seconds after ModifyUser, then
active; deleting then gone. What its user groups' replication groups enforce (the `_acl` snapshot: passwords and
access string) changes when the modification ends, so a client sees a new password or access string on the nodes
once the user is active again. The account's own `default` user (no password, every key and command) can be neither
modified nor deleted. Valkey users need a password (or IAM). DeleteUser takes the user out of every user group
("The user will be removed from all user groups and in turn removed from all replication groups"), except a user
named `default` that a group holds (DefaultUserAssociatedToUserGroup).
"""

from __future__ import annotations

import re
import time

from .. import acl, rules
from ..protocol import AWSError
from .common import error, page, request_tags

# User passwords: 16 to 128 printable characters, none of , " / @ (user guide, RBAC); no space (Redis splits on it).
_PASSWORD = re.compile(r'^[\x21-\x7e]{16,128}$')
_PASSWORD_FORBIDDEN = set(',"/@')
# User names: one word of printable ASCII (ACL SETUSER <username>); the API model asks for at least one character.
_NAME = re.compile(r"^[\x21-\x7e]{1,128}$")
USER_QUOTA = 1000  # the user guide's RBAC limits: 1000 users, 100 user groups, 100 users per group


def _settle(item):
    """Finish an item's transition whose time has come: its next status and the changes it was waiting for."""
    until = item.get("_until")
    if until is not None and until <= time.monotonic():
        item["Status"], item["_until"] = item.pop("_next", item["Status"]), None
        for key, value in item.pop("_apply", {}).items():
            if value is None:
                item.pop(key, None)
            else:
                item[key] = value
    return item


def settled(found):
    """`found` (id -> user or user group) with every due transition finished and the items gone removed."""
    for key in [k for k, v in found.items() if _settle(v)["Status"] == "gone"]:
        del found[key]
    return found


def engine_name(value):
    """A user's or user group's Engine, lowercase: "The options are valkey or redis"."""
    if value.lower() not in ("redis", "valkey"):
        raise rules.invalid(f"Invalid Engine {value}: the options are valkey or redis.")
    return value.lower()


def minimum_version(engine):
    return "7.2" if engine == "valkey" else "6.0"


class Users:
    """The op_* handlers of users."""

    def _users(self, region):
        if "users" not in region.__dict__:
            region.users = {"default": {
                "UserId": "default", "UserName": "default", "Engine": "redis", "AccessString": "on ~* +@all",
                "Status": "active", "Authentication": {"Type": "no-password"}, "_passwords": [],
                "_acl": ((), "on ~* +@all"), "ARN": region.arn("user", "default")}}
        return settled(region.users)

    def _user(self, region, user_id):
        user = self._users(region).get((user_id or "").lower())
        if user is None:
            raise error("UserNotFound", f"User {user_id} not found.")
        return user

    def _transition(self, item, status, final, seconds=None, apply=None):  # pylint: disable=too-many-arguments
        item["Status"], item["_next"] = status, final
        item["_until"] = time.monotonic() + (self.config.modify_seconds if seconds is None else seconds)
        item["_apply"] = {**item.get("_apply", {}), **(apply or {})}

    @staticmethod
    def _authentication(p, engine, current=None):
        """(passwords, Authentication) from NoPasswordRequired, Passwords and AuthenticationMode."""
        mode = (p.get("AuthenticationMode") or {}).get("Type")
        passwords = p.get("Passwords") or (p.get("AuthenticationMode") or {}).get("Passwords")
        if p.get("Passwords") and (p.get("AuthenticationMode") or {}).get("Passwords"):
            raise rules.combination("Passwords and AuthenticationMode.Passwords cannot both be given.")
        if p.get("NoPasswordRequired") or mode == "no-password-required":
            if passwords:
                raise rules.combination("Passwords cannot be given with NoPasswordRequired.")
            if engine == "valkey":
                raise rules.invalid("Valkey users must use password protection or IAM authentication.")
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
        try:
            return acl.check(value)
        except acl.AccessStringError as exc:
            raise rules.invalid(f"Invalid access string: {exc}.") from None

    def _render_user(self, region, user):
        groups = sorted(g["UserGroupId"] for g in self._user_groups(region).values() if user["UserId"] in g["UserIds"])
        return {"UserId": user["UserId"], "UserName": user["UserName"], "Status": user["Status"],
                "Engine": user["Engine"], "MinimumEngineVersion": minimum_version(user["Engine"]),
                "AccessString": user["AccessString"], "UserGroupIds": groups,
                "Authentication": dict(user["Authentication"]), "ARN": user["ARN"]}

    def op_CreateUser(self, region, p):  # pylint: disable=invalid-name
        users = self._users(region)
        user_id = rules.identifier(p["UserId"], "UserId")
        if not _NAME.match(p["UserName"]):
            raise rules.invalid(f"Invalid UserName {p['UserName']!r}: one word of printable ASCII characters.")
        if user_id in users:
            raise error("UserAlreadyExists", f"User {user_id} already exists.")
        if len(users) >= USER_QUOTA:
            raise error("UserQuotaExceeded", f"The account already has {USER_QUOTA} users.")
        engine = engine_name(p["Engine"])
        passwords, authentication = self._authentication(p, engine)
        access = self._access_string(p["AccessString"])
        arn = region.arn("user", user_id)
        users[user_id] = {"UserId": user_id, "UserName": p["UserName"], "Engine": engine, "AccessString": access,
                          "Status": "active", "Authentication": authentication, "_passwords": passwords,
                          "_acl": (tuple(passwords), access), "ARN": arn}
        region.tags[arn] = request_tags(p)
        return self._render_user(region, users[user_id])

    def op_ModifyUser(self, region, p):  # pylint: disable=invalid-name
        user = self._user(region, p["UserId"])
        if user["UserId"] == "default":
            raise rules.invalid("The default user cannot be modified: create a user named default instead.")
        if user["Status"] != "active":
            raise error("InvalidUserState", f"User {user['UserId']} is {user['Status']}, not active.")
        if "AccessString" in p and "AppendAccessString" in p:
            raise rules.combination("AccessString and AppendAccessString cannot both be given.")
        engine = engine_name(p.get("Engine", user["Engine"]))
        access = user["AccessString"]
        if "AccessString" in p:
            access = self._access_string(p["AccessString"])
        if "AppendAccessString" in p:
            access = self._access_string(access + " " + p["AppendAccessString"])
        passwords, authentication = user["_passwords"], user["Authentication"]
        if any(k in p for k in ("Passwords", "NoPasswordRequired", "AuthenticationMode")):
            passwords, changed = self._authentication(p, engine, user["_passwords"])
            authentication = changed or authentication
        if engine == "valkey" and authentication["Type"] == "no-password":
            raise rules.invalid("Valkey users must use password protection or IAM authentication.")
        for group in self._user_groups(region).values():
            if user["UserId"] in group["UserIds"]:
                self.check_member(group["Engine"], {**user, "Engine": engine, "Authentication": authentication})
        user.update(AccessString=access, Engine=engine, Authentication=authentication, _passwords=passwords)
        self._transition(user, "modifying", "active", apply={"_acl": (tuple(passwords), access)})
        return self._render_user(region, user)

    def op_DeleteUser(self, region, p):  # pylint: disable=invalid-name
        user = self._user(region, p["UserId"])
        if user["UserId"] == "default":
            raise rules.invalid("The default user cannot be deleted.")
        if user["Status"] != "active":
            raise error("InvalidUserState", f"User {user['UserId']} is {user['Status']}, not active.")
        groups = [g for g in self._user_groups(region).values() if g["Status"] != "deleting" and (
            user["UserId"] in g["UserIds"] or user["UserId"] in g.get("_apply", {}).get("UserIds", []))]
        if user["UserName"] == "default" and groups:
            raise error("DefaultUserAssociatedToUserGroup", f"User {user['UserId']} is the default user of user "
                        f"group {groups[0]['UserGroupId']}; add another default user to it first.")
        for group in groups:
            self.change_members(group, [], [user["UserId"]])
        self._transition(user, "deleting", "gone", self.config.delete_seconds)
        region.tags.pop(user["ARN"], None)
        return self._render_user(region, user)

    def op_DescribeUsers(self, region, p):  # pylint: disable=invalid-name
        users = self._users(region)
        found = [self._user(region, p["UserId"])] if p.get("UserId") else [users[k] for k in sorted(users)]
        if p.get("Engine"):
            found = [u for u in found if u["Engine"] == p["Engine"].lower()]
        for item in p.get("Filters") or []:
            if item["Name"] != "user-id":
                raise rules.invalid(f"Invalid filter name {item['Name']}: the only filter is user-id.")
            found = [u for u in found if u["UserId"] in item["Values"]]
        return page([self._render_user(region, u) for u in found], p, "Users")
