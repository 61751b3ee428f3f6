"""RBAC in the model: a user per worker and rbac instance, the default user off, every problem named."""

import fnmatch

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import access
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rbac
from tests.unit.plugins.plugin_utils.models import TOKEN, check, errors_of

WEB_PW, ADMIN_PW = "Web-Password-0123456789", "Admin-Password-0123456789"
QUEUE = [{"name": "main", "purpose": "main"}, {"name": "queue", "purpose": "queue", "access": "rbac"}]
WORKERS = {"client_workers": [{"name": "web", "queue_prefix": "web"}, {"name": "admin", "queue_prefix": "admin"}]}
PASSWORDS = {"queue": {"web": WEB_PW, "admin": ADMIN_PW}}


def rbac_model(**overrides):
    settings = dict(cache_instances=QUEUE, cache_user_passwords=PASSWORDS, hosts=WORKERS)
    settings.update(overrides)
    return check(**settings)


def rbac_errors(**overrides):
    settings = dict(cache_instances=QUEUE, cache_user_passwords=PASSWORDS, hosts=WORKERS)
    settings.update(overrides)
    return errors_of(**settings)


def test_each_worker_gets_its_own_user_on_the_rbac_instance_and_the_default_user_is_off():
    model = rbac_model()
    users = dict((u["user_id"], u) for u in model["users"])
    assert sorted(users) == ["funmagic-queue-admin", "funmagic-queue-default", "funmagic-queue-web"]
    assert users["funmagic-queue-web"]["user_name"] == "web"
    assert users["funmagic-queue-web"]["key_patterns"] == [access.queue_key_pattern("web", False)]
    assert users["funmagic-queue-web"]["access_string"] != users["funmagic-queue-admin"]["access_string"]
    default = users["funmagic-queue-default"]
    assert (default["user_name"], default["access_string"], default["no_password"]) == (
        "default", access.DEFAULT_USER_OFF, True)
    assert model["user_groups"] == [{"user_group_id": "funmagic-queue", "engine": "redis", "instance": "queue",
                                     "user_ids": sorted(users)}]
    main, queue = model["instances"]
    assert (main["user_group_ids"], queue["user_group_ids"]) == (None, ["funmagic-queue"])
    assert model["user_purge"] == "^(funmagic\\-queue)-"


def test_workers_learn_their_user_and_a_key_of_the_other_worker_to_be_refused_on():
    web, admin = rbac_model()["clients"]["app1"]["workers"]
    assert web["users"] == {"queue": "web"} and admin["users"] == {"queue": "admin"}
    import fnmatch
    assert fnmatch.fnmatchcase(web["refused_keys"]["queue"], access.queue_key_pattern("admin", False))
    assert not fnmatch.fnmatchcase(web["refused_keys"]["queue"], access.queue_key_pattern("web", False))


def test_the_model_holds_no_password():
    model = rbac_model()
    assert WEB_PW not in repr(model) and ADMIN_PW not in repr(model)


def test_rbac_needs_tls_and_redis_6():
    errors = rbac_errors(cache_instances=[{"name": "main", "access": "rbac", "transit_encryption": False,
                                           "engine_version": "5.0.6"}], cache_user_passwords={})
    assert any(e.startswith("cache_instances[0] (main).access: rbac needs transit_encryption: true") for e in errors)
    assert any(e.startswith("cache_instances[0] (main).access: rbac needs Redis OSS 6.0 or later") for e in errors)


def test_passwords_are_checked_where_they_live_without_showing_them():
    errors = rbac_errors(cache_user_passwords={"queue": {"web": "short", "nobody": WEB_PW}, "qeueu": {}})
    assert any(e.startswith("cache_user_passwords.queue.admin: is not set") for e in errors)
    assert any(e.startswith("cache_user_passwords.queue.web: is not valid") for e in errors)
    assert any(e.startswith("cache_user_passwords.queue.nobody: there is no worker named") for e in errors)
    assert any(e.startswith("cache_user_passwords.qeueu: there is no instance with access: rbac") for e in errors)
    assert not any("short" in e for e in errors)


def test_a_broad_access_string_is_refused_in_production_unless_accepted():
    hosts = {"client_workers": [{"name": "web", "queue_prefix": "web", "access_strings": {"queue": "on ~* +@all"}},
                                {"name": "admin", "queue_prefix": "admin"}]}
    production = dict(cache_production=True, cache_defaults={"replicas": 1}, hosts=hosts,
                      cache_instances=[{"name": "main", "purpose": "main", "access": "rbac"},
                                       {"name": "queue", "purpose": "queue", "access": "rbac"}],
                      cache_user_passwords={"main": {"web": WEB_PW, "admin": ADMIN_PW}, "queue": PASSWORDS["queue"]})
    errors = rbac_errors(**production)
    assert [e for e in errors if "access_strings.queue" in e] == [
        e for e in errors if e.startswith("client_workers (web).access_strings.queue: 'on ~* +@all' grants")]
    assert len([e for e in errors if "access_strings" in e]) == 1
    production["cache_production_accepted_risks"] = ["broad_access_string"]
    assert rbac_model(**production)


def test_the_same_worker_set_differently_on_two_hosts_is_refused():
    model_errors = []
    clients = {"a": {"workers": [{"name": "web", "queue_prefix": "web"}]},
               "b": {"workers": [{"name": "web", "queue_prefix": "other"}]}}
    instances = check(cache_instances=QUEUE, roles=["cache"])["instances"]
    rbac.model(instances, clients, {"cache_user_passwords": {"queue": {"web": WEB_PW}}}, model_errors)
    assert any(e.startswith("host b: client_workers (web): is set differently on host a") for e in model_errors)


def test_a_group_moving_from_auth_keeps_the_token_as_the_default_user_password():
    model = rbac_model(cache_auth_tokens={"queue": TOKEN})
    default = [u for u in model["users"] if u["default"]][0]
    assert (default["access_string"], default["no_password"]) == (access.MIGRATION_DEFAULT, False)
    passwords = rbac.user_passwords(model["users"], PASSWORDS, {"queue": TOKEN})
    assert passwords == {"funmagic-queue-default": [TOKEN], "funmagic-queue-web": [WEB_PW],
                         "funmagic-queue-admin": [ADMIN_PW]}


def test_during_a_rotation_each_user_gets_both_passwords():
    model = rbac_model()
    passwords = rbac.user_passwords(model["users"], PASSWORDS, {}, {"queue": {"web": "Web-Next-Password-0123456789"}})
    assert passwords["funmagic-queue-web"] == [WEB_PW, "Web-Next-Password-0123456789"]
    assert passwords["funmagic-queue-admin"] == [ADMIN_PW]
    with pytest.raises(ValueError) as caught:
        rbac.user_passwords(model["users"], {"queue": {"web": WEB_PW}})
    assert str(caught.value) == "cache_user_passwords.queue.admin is not set"


def test_no_rbac_instance_no_user():
    model = check()
    assert (model["users"], model["user_groups"], model["instances"][0]["user_group_ids"]) == ([], [], None)


def test_a_worker_cannot_be_the_default_user():
    errors = rbac_errors(hosts={"client_workers": [{"name": "default"}]}, cache_user_passwords={})
    assert any(e.startswith("client_workers (default).name: 'default' is the user group's default user") for e in errors)


def test_a_worker_name_that_makes_an_invalid_user_id_is_refused():
    errors = rbac_errors(hosts={"client_workers": [{"name": "web_1", "queue_prefix": "web"}]},
                         cache_user_passwords={"queue": {"web_1": WEB_PW}})
    assert any("the user id of instance queue" in e and "'funmagic-queue-web_1' is not valid" in e for e in errors)


def test_a_pending_password_rotation_is_refused_outside_rotate_auth():
    errors = rbac_errors(cache_user_passwords_next={"queue": {"web": "Web-Next-Password-0123456789"}})
    assert any(e.startswith("cache_user_passwords_next.queue.web: a password rotation is pending") for e in errors)


def test_the_kms_key_is_create_or_an_arn():
    assert check(cache_kms_key="create")["cache"]["kms_key"] == {
        "mode": "create", "arn": None, "alias": "alias/funmagic-elasticache"}
    arn = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    model = check(cache_kms_key=arn)
    assert model["cache"]["kms_key"]["mode"] == "arn" and model["named"]["kms_key_ids"] == [arn]
    assert any(e.startswith("cache_kms_key: 'my-key' is neither create nor a KMS key ARN")
               for e in errors_of(cache_kms_key="my-key"))


def test_a_valkey_user_group_has_no_default_user_unless_it_carries_the_token_during_a_move():
    valkey = [{"name": "main", "purpose": "main"},
              {"name": "queue", "purpose": "queue", "access": "rbac", "engine": "valkey", "engine_version": "8.0"}]
    model = rbac_model(cache_instances=valkey)
    assert [u["user_name"] for u in model["users"]] == ["admin", "web"]
    assert model["user_groups"][0]["user_ids"] == ["funmagic-queue-admin", "funmagic-queue-web"]
    moving = rbac_model(cache_instances=valkey, cache_auth_tokens={"queue": TOKEN})
    default = [u for u in moving["users"] if u["default"]][0]
    assert (default["engine"], default["no_password"]) == ("valkey", False)


def test_hosts_move_to_rbac_only_where_an_existing_group_has_no_user_group_yet():
    specs = [{"name": "main", "replication_group_id": "fm-main", "access": "rbac"},
             {"name": "queue", "replication_group_id": "fm-queue", "access": "rbac"},
             {"name": "pubsub", "replication_group_id": "fm-pubsub", "access": "token"},
             {"name": "new", "replication_group_id": "fm-new", "access": "rbac"},
             {"name": "sls", "replication_group_id": "fm-sls", "access": "rbac", "kind": "serverless"}]
    groups = [{"replication_group_id": "fm-main", "user_group_ids": []},
              {"replication_group_id": "fm-queue", "user_group_ids": ["fm-queue"]},
              {"replication_group_id": "fm-pubsub", "user_group_ids": []},
              {"replication_group_id": "fm-sls"}]
    assert rbac.moves(specs, groups) == [{"name": "main", "replication_group_id": "fm-main"}]


def test_a_move_target_gets_a_user_for_each_worker_of_its_source_before_it_exists():
    moving = QUEUE + [{"name": "queue2", "purpose": "queue", "kind": "serverless", "access": "rbac",
                       "engine": "valkey", "moved_from": "queue"}]
    passwords = dict(PASSWORDS, queue2={"web": WEB_PW + "2", "admin": ADMIN_PW + "2"})
    model = rbac_model(cache_instances=moving, cache_user_passwords=passwords)
    ids = sorted(u["user_id"] for u in model["users"] if u["instance"] == "queue2")
    assert ids == ["funmagic-queue2-admin", "funmagic-queue2-web"]  # Valkey: no default user
    web, admin = model["clients"]["app1"]["workers"]
    assert web["users"] == {"queue": "web", "queue2": "web"} and admin["users"] == {"queue": "admin", "queue2": "admin"}
    assert fnmatch.fnmatchcase(web["refused_keys"]["queue2"], access.queue_key_pattern("admin", True))
