"""The emulator's users, user groups and their replication groups alone: no moto, no redis-server.

Access strings as ElastiCache accepts them, the ACL rules the nodes get, user and user group states and rules (the
default user, engines, unique names, PendingChanges), UserGroupIds / UserGroupIdsToAdd / RemoveUserGroups on
replication groups, and KmsKeyId against the account's keys.
"""

import time

import pytest

from plugins.module_utils import access
from tests.emulator import acl
from tests.emulator.elasticache import ElastiCache, EmulatorConfig
from tests.emulator.protocol import AWSError, service_model
from tests.emulator.redis_fixture import acl_commands, acl_rules
from tests.unit.emulator.test_elasticache_backend import Call, FakeEC2

PASSWORD, OTHER, TOKEN = "Web-Password-000000001", "Web-Password-000000002", "Group-Token-0000000003"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-0000-0000-0000-000000000001"


class FakeKMS:
    KEYS = {"1234abcd-0000-0000-0000-000000000001": "Enabled", "1234abcd-0000-0000-0000-000000000002": "Disabled"}

    def __init__(self, account, region):
        pass

    def key(self, key_id):
        key_id = key_id.rsplit("/", 1)[-1]
        if key_id == "cache":
            key_id = "1234abcd-0000-0000-0000-000000000001"
        if key_id not in self.KEYS:
            return None
        return f"arn:aws:kms:us-east-1:123456789012:key/{key_id}", self.KEYS[key_id]


def _service(modify_seconds=0):
    return ElastiCache(EmulatorConfig(0, modify_seconds, 0), ec2_view=FakeEC2, kms_view=FakeKMS)


@pytest.fixture
def service():
    return _service()


def call(service, operation, **params):
    answer = service.handle(Call(operation, params))
    time.sleep(0.001)
    service.tick()
    return answer


def refused(service, operation, **params):
    with pytest.raises(AWSError) as caught:
        call(service, operation, **params)
    return caught.value


def _users(service, prefix="q", engine="redis", default=True):
    call(service, "CreateUser", UserId=f"{prefix}-web", UserName="web", Engine=engine, Passwords=[PASSWORD],
         AccessString="on ~web:* -@all +@read +ping")
    if default:
        call(service, "CreateUser", UserId=f"{prefix}-default", UserName="default", Engine="redis",
             NoPasswordRequired=True, AccessString=access.DEFAULT_USER_OFF)
    ids = [f"{prefix}-web"] + ([f"{prefix}-default"] if default else [])
    return call(service, "CreateUserGroup", UserGroupId=prefix, Engine=engine, UserIds=ids)


def _group(service, group_id="main", **params):
    return call(service, "CreateReplicationGroup", ReplicationGroupId=group_id, ReplicationGroupDescription="d",
                CacheNodeType="cache.t3.micro", **{"EngineVersion": "7.1", "TransitEncryptionEnabled": True,
                                                   **params})["ReplicationGroup"]


# --- access strings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    access.DEFAULT_USER_OFF, access.MIGRATION_DEFAULT, "on ~app::* -@all +@read", "~objects:* ~items:* ~public:*",
    "on %R~read:* %W~write:* &chan:* +get -config|set", "on ~a* (~b* +get) clearselectors", "off +get ~keys*",
    "on allkeys allchannels allcommands -config",
    access.access_string({"main", "queue", "pubsub"}, {"name": "web", "queue_prefix": "w"}, cluster=True),
])
def test_access_strings_elasticache_accepts(value):
    assert acl.check(value) == " ".join(acl.rules(value))


@pytest.mark.parametrize("value, says", [
    ("on >Secret-Password-01 ~* +@all", "password rule"), ("on #abcd ~*", "password rule"),
    ("on nopass ~* +@all", "password rule"), ("on resetpass ~*", "password rule"), ("reset on ~*", "'reset'"),
    ("on ~* +config", "'+config'"), ("on ~* +@nonsense", "'+@nonsense'"), ("on ~* bogus", "'bogus'"),
    ("on (~a* +get", "parentheses"), ("on ~a* (on +get)", "'on'"), ("  ", "empty"),
])
def test_access_strings_elasticache_refuses_name_the_rule_but_never_a_password(value, says):
    with pytest.raises(acl.AccessStringError) as caught:
        acl.check(value)
    assert says in str(caught.value) and "Secret" not in str(caught.value)


def test_a_selector_is_one_acl_argument_and_a_user_without_on_is_off():
    assert acl.rules("on ~a* ( ~b*  +get ) +ping") == ["on", "~a*", "(~b* +get)", "+ping"]
    assert (acl.enabled("on ~*"), acl.enabled("~* +@all"), acl.enabled("on off")) == (True, False, False)


def test_the_nodes_acl_rules_follow_the_token_or_the_user_groups():
    assert acl_rules({"passwords": [TOKEN]}) == {"default": ["on", f">{TOKEN}", "~*", "&*", "+@all"]}
    assert acl_rules({"passwords": []})["default"][1] == "nopass"
    rbac = {"passwords": [], "users": [("web", (PASSWORD,), "on ~web:* +get"), ("ro", (), "~r:* +get")]}
    assert acl_rules(rbac) == {"default": ["off", "-@all"], "web": ["on", "~web:*", "+get", f">{PASSWORD}"],
                               "ro": ["~r:*", "+get", "nopass"]}
    back = acl_commands(rbac, {"passwords": [TOKEN]})
    assert ["ACL", "DELUSER", "web"] in back
    assert ["ACL", "SETUSER", "default", "reset", "on", f">{TOKEN}", "~*", "&*", "+@all"] in back
    assert acl_commands(rbac, rbac) == []


# --- users and user groups ---------------------------------------------------------------------------------


def test_a_redis_user_group_needs_a_default_user_and_unique_names(service):
    call(service, "CreateUser", UserId="a-web", UserName="web", Engine="redis", Passwords=[PASSWORD],
         AccessString="on ~web:* +@all")
    call(service, "CreateUser", UserId="b-web", UserName="web", Engine="redis", Passwords=[PASSWORD],
         AccessString="on ~web:* +@all")
    assert refused(service, "CreateUserGroup", UserGroupId="g", Engine="redis", UserIds=["a-web"]).code == \
        "DefaultUserRequired"
    assert refused(service, "CreateUserGroup", UserGroupId="g", Engine="redis",
                   UserIds=["a-web", "b-web", "default"]).code == "DuplicateUserName"
    assert refused(service, "CreateUserGroup", UserGroupId="g", Engine="redis", UserIds=["nobody", "default"]).code \
        == "UserNotFound"
    assert call(service, "CreateUserGroup", UserGroupId="g", Engine="redis", UserIds=["A-Web", "default"])["UserIds"] \
        == ["a-web", "default"]
    assert refused(service, "CreateUserGroup", UserGroupId="G", Engine="redis", UserIds=["default"]).code == \
        "UserGroupAlreadyExists"


def test_valkey_users_need_a_password_and_valkey_groups_no_default_user(service):
    assert refused(service, "CreateUser", UserId="v-open", UserName="open", Engine="valkey", NoPasswordRequired=True,
                   AccessString="on ~* +@all").code == "InvalidParameterValue"
    created = _users(service, "v", engine="valkey", default=False)
    assert (created["Engine"], created["UserIds"], created["MinimumEngineVersion"]) == ("valkey", ["v-web"], "7.2")
    call(service, "CreateUser", UserId="r-open", UserName="open", Engine="redis", NoPasswordRequired=True,
         AccessString="on ~* +@all")
    assert refused(service, "ModifyUserGroup", UserGroupId="v", UserIdsToAdd=["r-open"]).code == \
        "InvalidParameterValue"
    assert refused(service, "CreateUserGroup", UserGroupId="r", Engine="redis", UserIds=["v-web", "default"]).code \
        == "InvalidParameterValue"


def test_the_accounts_default_user_stays_and_passwords_are_checked(service):
    assert [u["UserId"] for u in call(service, "DescribeUsers")["Users"]] == ["default"]
    assert refused(service, "ModifyUser", UserId="default", AccessString="off").code == "InvalidParameterValue"
    assert refused(service, "DeleteUser", UserId="default").code == "InvalidParameterValue"
    for passwords in ([], ["short"], [PASSWORD, OTHER, PASSWORD], ["Has-a-slash/000000000"], ["Has a space 00000000"]):
        assert refused(service, "CreateUser", UserId="p", UserName="p", Engine="redis", Passwords=passwords,
                       AccessString="on ~* +@all").code == "InvalidParameterValue"
    error = refused(service, "CreateUser", UserId="p", UserName="p", Engine="redis", Passwords=[PASSWORD],
                    AccessString=f"on >{OTHER} ~*")
    assert error.code == "InvalidParameterValue" and OTHER not in error.message


def test_a_modification_reaches_the_nodes_when_the_user_is_active_again():
    service = _service(modify_seconds=60)
    _users(service)
    region = service.region("us-east-1")
    assert service.acl_users(region, ["q"])[1] == ("web", (PASSWORD,), "on ~web:* -@all +@read +ping")
    answer = call(service, "ModifyUser", UserId="q-web", Passwords=[PASSWORD, OTHER], AppendAccessString="+info")
    assert (answer["Status"], answer["Authentication"]) == ("modifying", {"Type": "password", "PasswordCount": 2})
    assert service.acl_users(region, ["q"])[1][1] == (PASSWORD,)
    assert refused(service, "ModifyUser", UserId="q-web", AccessString="on").code == "InvalidUserState"
    service._users(region)["q-web"]["_until"] = 0  # pylint: disable=protected-access
    assert service.acl_users(region, ["q"])[1] == ("web", (PASSWORD, OTHER), "on ~web:* -@all +@read +ping +info")


def test_a_user_group_shows_its_pending_changes_while_modifying():
    service = _service(modify_seconds=60)
    _users(service)
    region = service.region("us-east-1")
    call(service, "CreateUser", UserId="q-admin", UserName="admin", Engine="redis", Passwords=[OTHER],
         AccessString="on ~admin:* +@all")
    answer = call(service, "ModifyUserGroup", UserGroupId="q", UserIdsToAdd=["q-admin"], UserIdsToRemove=["q-web"])
    assert (answer["Status"], answer["UserIds"], answer["PendingChanges"]) == (
        "modifying", ["q-web", "q-default"], {"UserIdsToRemove": ["q-web"], "UserIdsToAdd": ["q-admin"]})
    assert refused(service, "ModifyUserGroup", UserGroupId="q", UserIdsToRemove=["q-admin"]).code == \
        "InvalidUserGroupState"
    service._user_groups(region)["q"]["_until"] = 0  # pylint: disable=protected-access
    found = call(service, "DescribeUserGroups", UserGroupId="q")["UserGroups"][0]
    assert (found["Status"], found["UserIds"], "PendingChanges" in found) == ("active", ["q-default", "q-admin"],
                                                                              False)


def test_deleting_a_user_takes_it_out_of_its_groups_but_not_the_default_one(service):
    _users(service)
    assert refused(service, "DeleteUser", UserId="q-default").code == "DefaultUserAssociatedToUserGroup"
    assert call(service, "DeleteUser", UserId="q-web")["Status"] == "deleting"
    assert call(service, "DescribeUserGroups", UserGroupId="q")["UserGroups"][0]["UserIds"] == ["q-default"]
    assert refused(service, "DescribeUsers", UserId="q-web").code == "UserNotFound"


# --- replication groups ------------------------------------------------------------------------------------


def test_user_group_ids_need_tls_no_token_and_a_matching_engine(service):
    _users(service)
    _users(service, "v", engine="valkey", default=False)
    for params, code in (({"TransitEncryptionEnabled": False}, "InvalidParameterValue"),
                         ({"AuthToken": TOKEN}, "InvalidParameterCombination"),
                         ({"UserGroupIds": ["v"]}, "InvalidParameterCombination"),
                         ({"UserGroupIds": ["nope"]}, "UserGroupNotFound")):
        assert refused(service, "CreateReplicationGroup", ReplicationGroupId="bad", ReplicationGroupDescription="d",
                       CacheNodeType="cache.t3.micro", **{"EngineVersion": "7.1", "TransitEncryptionEnabled": True,
                                                          "UserGroupIds": ["q"], **params}).code == code
    group = _group(service, UserGroupIds=["Q"])
    assert group["UserGroupIds"] == ["q"] and group["AuthTokenEnabled"] is False
    assert refused(service, "DeleteUserGroup", UserGroupId="q").code == "InvalidUserGroupState"
    assert _group(service, "vk", Engine="valkey", EngineVersion="7.2", UserGroupIds=["v", "q"])["UserGroupIds"] == \
        ["v", "q"]


def test_the_move_from_auth_to_rbac_and_back_as_aws_documents_it():
    service = _service(modify_seconds=60)
    region = service.region("us-east-1")
    _users(service)
    _group(service, AuthToken=TOKEN)
    group = region.groups["main"]
    group.transition, group.status = None, "available"
    for params in ({"AuthToken": OTHER, "AuthTokenUpdateStrategy": "ROTATE"}, {}):
        assert refused(service, "ModifyReplicationGroup", ReplicationGroupId="main", UserGroupIdsToAdd=["q"],
                       ApplyImmediately=True, **params).code == "InvalidParameterCombination"
    answer = call(service, "ModifyReplicationGroup", ReplicationGroupId="main", UserGroupIdsToAdd=["q"],
                  AuthTokenUpdateStrategy="DELETE", ApplyImmediately=True)["ReplicationGroup"]
    assert (answer["Status"], answer["UserGroupIds"], answer["AuthTokenEnabled"]) == ("modifying", [], True)
    assert answer["PendingModifiedValues"]["UserGroups"] == {"UserGroupIdsToAdd": ["q"], "UserGroupIdsToRemove": []}
    group.transition = (0, group.transition[1])
    service.tick()
    answer = call(service, "DescribeReplicationGroups", ReplicationGroupId="main")["ReplicationGroups"][0]
    assert (answer["UserGroupIds"], answer["AuthTokenEnabled"], answer["PendingModifiedValues"]) == (["q"], False, {})
    # RBAC to AUTH (the user guide's "Migrating from RBAC to AUTH"): RemoveUserGroups with a ROTATE token.
    assert refused(service, "ModifyReplicationGroup", ReplicationGroupId="main", RemoveUserGroups=True,
                   ApplyImmediately=True).code == "InvalidParameterCombination"
    call(service, "ModifyReplicationGroup", ReplicationGroupId="main", RemoveUserGroups=True, AuthToken=TOKEN,
         AuthTokenUpdateStrategy="ROTATE", ApplyImmediately=True)
    group.transition = (0, group.transition[1])
    service.tick()
    assert (group.user_group_ids, group.tokens, group.token_allows_none) == ([], [TOKEN], True)
    assert call(service, "DescribeUserGroups", UserGroupId="q")["UserGroups"][0]["ReplicationGroups"] == []


def test_kms_key_id_needs_at_rest_encryption_and_a_key_of_the_account(service):
    assert refused(service, "CreateReplicationGroup", ReplicationGroupId="k", ReplicationGroupDescription="d",
                   CacheNodeType="cache.t3.micro", KmsKeyId=KEY_ARN).code == "InvalidParameterCombination"
    for key in ("1234abcd-0000-0000-0000-00000000dead", "1234abcd-0000-0000-0000-000000000002"):
        assert refused(service, "CreateReplicationGroup", ReplicationGroupId="k", ReplicationGroupDescription="d",
                       CacheNodeType="cache.t3.micro", AtRestEncryptionEnabled=True, KmsKeyId=key).code == \
            "InvalidParameterValue"
    created = _group(service, "k", AtRestEncryptionEnabled=True, KmsKeyId="alias/cache")
    assert created["KmsKeyId"] == KEY_ARN


def test_every_error_code_the_users_raise_is_one_botocore_knows():
    model = service_model("elasticache")
    known = {model.shape_for(name).metadata.get("error", {}).get("code", name) for name in model.shape_names
             if model.shape_for(name).metadata.get("exception")}
    used = {"UserNotFound", "UserAlreadyExists", "UserQuotaExceeded", "InvalidUserState", "UserGroupNotFound",
            "UserGroupAlreadyExists", "UserGroupQuotaExceeded", "InvalidUserGroupState", "DuplicateUserName",
            "DefaultUserRequired", "DefaultUserAssociatedToUserGroup", "InvalidParameterValue",
            "InvalidParameterCombination"}
    assert used <= known
