"""Users and user groups as ElastiCache keeps them, for the users and user_groups module tests: the answers of
FakeAWS that create, change and describe them, each change first reported in its transitional status."""

from __future__ import annotations

from tests.unit.plugins.modules.fake_aws import FakeAWS

ARN = "arn:aws:elasticache:us-east-1:123456789012:%s:%s"


def user(user_id, user_name=None, access_string="on ~app:* +@read", engine="redis", passwords=1, status="active",
         groups=()):
    """A user as DescribeUsers answers; passwords: how many (0 for a user that needs none)."""
    return {"UserId": user_id, "UserName": user_name or user_id, "Status": status, "Engine": engine,
            "MinimumEngineVersion": "6.0", "AccessString": access_string, "UserGroupIds": list(groups),
            "Authentication": {"Type": "password", "PasswordCount": passwords} if passwords else
            {"Type": "no-password"}, "ARN": ARN % ("user", user_id)}


def group(group_id, user_ids, engine="redis", status="active", replication_groups=()):
    return {"UserGroupId": group_id, "Status": status, "Engine": engine, "UserIds": list(user_ids),
            "MinimumEngineVersion": "6.0", "ReplicationGroups": list(replication_groups),
            "ARN": ARN % ("usergroup", group_id)}


class World:
    """What AWS has. A created or changed resource is described `busy` times in its transitional status first."""

    def __init__(self, users=(), groups=(), busy=1):
        self.users = dict((u["UserId"], dict(u)) for u in users)
        self.groups = dict((g["UserGroupId"], dict(g)) for g in groups)
        self.busy = busy
        self.countdown = {}
        self.tags = {}

    def _settle(self, resources):
        for rid in list(self.countdown):
            if rid in resources:
                left = self.countdown[rid] - 1
                if left > 0:
                    self.countdown[rid] = left
                elif resources[rid]["Status"] == "deleting":
                    del resources[rid]
                    del self.countdown[rid]
                else:
                    resources[rid]["Status"] = "active"
                    del self.countdown[rid]

    def _change(self, resources, rid, status):
        resources[rid]["Status"] = status
        if self.busy:
            self.countdown[rid] = self.busy + 1
        elif status == "deleting":
            del resources[rid]
        else:
            resources[rid]["Status"] = "active"

    def describe_users(self, _request):
        self._settle(self.users)
        return {"Users": [dict(u) for u in self.users.values()]}

    def describe_user_groups(self, _request):
        self._settle(self.groups)
        return {"UserGroups": [dict(g) for g in self.groups.values()]}

    def create_user(self, request):
        passwords = len(request.get("Passwords") or [])
        self.users[request["UserId"]] = user(request["UserId"], request["UserName"], request["AccessString"],
                                             request["Engine"], passwords)
        self.tags[self.users[request["UserId"]]["ARN"]] = request.get("Tags", [])
        self._change(self.users, request["UserId"], "creating")
        return dict(self.users[request["UserId"]])

    def modify_user(self, request):
        found = self.users[request["UserId"]]
        found["AccessString"] = request.get("AccessString", found["AccessString"])
        found["Engine"] = request.get("Engine", found["Engine"])
        if request.get("NoPasswordRequired"):
            found["Authentication"] = {"Type": "no-password"}
        elif "Passwords" in request:
            found["Authentication"] = {"Type": "password", "PasswordCount": len(request["Passwords"])}
        self._change(self.users, request["UserId"], "modifying")
        return dict(found)

    def delete_user(self, request):
        self._change(self.users, request["UserId"], "deleting")
        return user(request["UserId"], status="deleting")

    def create_user_group(self, request):
        self.groups[request["UserGroupId"]] = group(request["UserGroupId"], request["UserIds"], request["Engine"])
        self._change(self.groups, request["UserGroupId"], "creating")
        return dict(self.groups[request["UserGroupId"]])

    def modify_user_group(self, request):
        found = self.groups[request["UserGroupId"]]
        found["UserIds"] = sorted((set(found["UserIds"]) | set(request.get("UserIdsToAdd", [])))
                                  - set(request.get("UserIdsToRemove", [])))
        found["Engine"] = request.get("Engine", found["Engine"])
        self._change(self.groups, request["UserGroupId"], "modifying")
        return dict(found)

    def delete_user_group(self, request):
        self._change(self.groups, request["UserGroupId"], "deleting")
        return group(request["UserGroupId"], [], status="deleting")

    def list_tags(self, request):
        return {"TagList": self.tags.get(request["ResourceName"], [])}

    def fake(self, **answers):
        """A FakeAWS answering from this world; answers override an operation (an error code, a list...)."""
        return FakeAWS(dict({
            "DescribeUsers": self.describe_users, "DescribeUserGroups": self.describe_user_groups,
            "CreateUser": self.create_user, "ModifyUser": self.modify_user, "DeleteUser": self.delete_user,
            "CreateUserGroup": self.create_user_group, "ModifyUserGroup": self.modify_user_group,
            "DeleteUserGroup": self.delete_user_group, "ListTagsForResource": self.list_tags,
            "AddTagsToResource": {"TagList": []}, "RemoveTagsFromResource": {"TagList": []},
        }, **answers))


MUTATING = ("CreateUser", "ModifyUser", "DeleteUser", "CreateUserGroup", "ModifyUserGroup", "DeleteUserGroup",
            "AddTagsToResource", "RemoveTagsFromResource")


def mutating(fake):
    return [op for op in fake.operations() if op in MUTATING]
