import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redact_url
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_env
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_url

HOST = "master.main.abc123.use1.cache.amazonaws.com"


def test_tls_url_with_token_is_percent_encoded_with_the_default_user():
    assert redis_url(HOST, 6379, True, token="ab$c#d&e^f<g>h!i-j") == \
        "rediss://default:ab%24c%23d%26e%5Ef%3Cg%3Eh%21i-j@" + HOST + ":6379"


def test_plain_url_without_token():
    assert redis_url(HOST, 6380, False) == "redis://%s:6380" % HOST


def test_redacted_forms_hide_the_token():
    url = redis_url(HOST, token="Sup3r-Secret-Token-123")
    assert "Sup3r" not in redis_url(HOST, token="Sup3r-Secret-Token-123", redact=True)
    assert redact_url(url) == "rediss://default:********@%s:6379" % HOST
    assert redact_url("redis://%s:6379" % HOST) == "redis://%s:6379" % HOST


def test_missing_host_is_an_error():
    with pytest.raises(ValueError):
        redis_url("")


INSTANCES = {
    "main": {"purpose": "main", "endpoint": "m", "port": 6379, "tls": True},
    "queue-web": {"purpose": "queue", "endpoint": "qw", "port": 6379, "tls": True},
    "queue-admin": {"purpose": "queue", "endpoint": "qa", "port": 6380, "tls": True},
}
TOKENS = {"main": "Main-Token-0123456789", "queue-admin": "Admin#Token&0123456"}


def test_env_file_of_a_worker_builds_each_url_with_its_own_token_encoded():
    env = redis_env(INSTANCES, {"name": "admin", "queue_prefix": "admin", "instances": {"queue": "queue-admin"}},
                    TOKENS)
    assert env.splitlines() == ["REDIS_URL=rediss://default:Main-Token-0123456789@m:6379",
                                "REDIS_QUEUE_URL=rediss://default:Admin%23Token%260123456@qa:6380",
                                "REDIS_PUBSUB_URL=rediss://default:Main-Token-0123456789@m:6379",
                                "REDIS_TLS=true", "QUEUE_PREFIX=admin"]


def test_an_instance_without_a_token_gets_a_url_without_credentials():
    env = redis_env(INSTANCES, {"name": "web", "instances": {"queue": "queue-web"}}, TOKENS)
    assert "REDIS_QUEUE_URL=rediss://qw:6379" in env.splitlines()


def test_single_instance_serves_every_purpose_and_empty_prefix():
    env = redis_env({"main": {"purpose": "main", "endpoint": "m", "port": 6379, "tls": False}}, {"name": "web"})
    assert env == ("REDIS_URL=redis://m:6379\nREDIS_QUEUE_URL=redis://m:6379\nREDIS_PUBSUB_URL=redis://m:6379\n"
                   "REDIS_TLS=false\nQUEUE_PREFIX=\n")


def test_worker_mapping_to_an_unknown_instance_is_an_error():
    with pytest.raises(ValueError, match="queue-nope"):
        redis_env(INSTANCES, {"name": "web", "instances": {"queue": "queue-nope"}})


def test_a_cluster_queue_gets_a_hash_tagged_prefix_and_the_cluster_flag():
    instances = dict(INSTANCES, **{"queue-admin": dict(INSTANCES["queue-admin"], cluster=True)})
    env = redis_env(instances, {"name": "admin", "queue_prefix": "admin", "instances": {"queue": "queue-admin"}})
    assert "QUEUE_PREFIX={admin}" in env.splitlines() and "REDIS_QUEUE_CLUSTER=true" in env.splitlines()
    assert "REDIS_CLUSTER=true" not in env
    env = redis_env(instances, {"name": "web", "instances": {"queue": "queue-admin"}})
    assert "QUEUE_PREFIX={bull}" in env.splitlines()
    assert "QUEUE_PREFIX={admin}" in redis_env(instances, {"name": "a", "queue_prefix": "{admin}",
                                                           "instances": {"queue": "queue-admin"}}).splitlines()


def test_an_unmapped_purpose_gets_the_first_instance_in_inventory_order():
    instances = {"queue": dict(INSTANCES["queue-web"], order=1), "adminq": dict(INSTANCES["queue-admin"], order=2),
                 "main": dict(INSTANCES["main"], order=0)}
    assert "REDIS_QUEUE_URL=rediss://qw:6379" in redis_env(instances, {"name": "web"}).splitlines()


def test_env_differences_mask_every_token_and_say_when_only_the_token_differs():
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import env_differences

    expected = "REDIS_URL=rediss://default:Tok%21en-1@main.example:6379\nREDIS_TLS=true\nQUEUE_PREFIX=web\n"
    assert env_differences(expected, expected) == []
    actual = "# edited by hand\nREDIS_URL=rediss://default:Other-Token@main.example:6379\nREDIS_TLS=false\n"
    assert env_differences(expected, actual) == [
        ("QUEUE_PREFIX", "web", "(absent)"),
        ("REDIS_TLS", "true", "false"),
        ("REDIS_URL", "rediss://default:********@main.example:6379",
         "rediss://default:********@main.example:6379 (another token)")]
    assert "Tok" not in repr(env_differences(expected, actual))


RBAC = {
    "main": {"purpose": "main", "endpoint": "m", "port": 6379, "tls": True, "access": "token", "order": 0},
    "queue": {"purpose": "queue", "endpoint": "q", "port": 6379, "tls": True, "access": "rbac", "order": 1},
}
WEB_PASSWORD = "Web:Pass/word#1%x-0123456789"


def test_an_rbac_instance_gets_the_workers_own_user_and_password_percent_encoded():
    worker = {"name": "web", "queue_prefix": "web", "users": {"queue": "web user"}}
    env = redis_env(RBAC, worker, TOKENS, {"queue": {"web": WEB_PASSWORD, "admin": "Admin-Pass-0123456789"}})
    assert env.splitlines()[:3] == ["REDIS_URL=rediss://default:Main-Token-0123456789@m:6379",
                                    "REDIS_QUEUE_URL=rediss://web%20user:Web%3APass%2Fword%231%25x-0123456789@q:6379",
                                    "REDIS_PUBSUB_URL=rediss://default:Main-Token-0123456789@m:6379"]


def test_a_user_name_the_model_does_not_give_is_the_workers_name():
    env = redis_env(RBAC, {"name": "admin"}, TOKENS, {"queue": {"admin": "Admin-Pass-0123456789"}})
    assert "REDIS_QUEUE_URL=rediss://admin:Admin-Pass-0123456789@q:6379" in env.splitlines()


@pytest.mark.parametrize("passwords", [None, {}, {"queue": {"admin": "Admin-Pass-0123456789"}}, {"queue": {"web": ""}}])
def test_a_missing_password_names_the_variable_and_no_value(passwords):
    with pytest.raises(ValueError) as excinfo:
        redis_env(RBAC, {"name": "web"}, TOKENS, passwords)
    assert str(excinfo.value).startswith("cache_user_passwords.queue.web is not set: instance queue has access rbac")
    assert "Admin-Pass" not in str(excinfo.value) and "Main-Token" not in str(excinfo.value)


def test_token_instances_ignore_the_passwords_and_a_token_on_an_rbac_instance_is_not_used():
    env = redis_env(RBAC, {"name": "web"}, dict(TOKENS, queue="Queue-Token-0123456789"), {"queue": {"web": "pw"}})
    assert "REDIS_QUEUE_URL=rediss://web:pw@q:6379" in env.splitlines() and "Queue-Token" not in env
    without = redis_env(INSTANCES, {"name": "web"}, TOKENS)
    assert redis_env(INSTANCES, {"name": "web"}, TOKENS, {"main": {"web": "pw"}}) == without


def test_env_differences_mask_a_users_password_and_say_when_only_the_password_differs():
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import env_differences

    expected = "REDIS_QUEUE_URL=rediss://web:%s@q:6379\n" % WEB_PASSWORD
    assert env_differences(expected, "REDIS_QUEUE_URL=rediss://web:Old-Password@q:6379\n") == [
        ("REDIS_QUEUE_URL", "rediss://web:********@q:6379", "rediss://web:********@q:6379 (another password)")]
    assert env_differences(expected, "REDIS_QUEUE_URL=rediss://default:Tok@q:6379\n") == [
        ("REDIS_QUEUE_URL", "rediss://web:********@q:6379", "rediss://default:********@q:6379")]
    assert "Old-Password" not in repr(env_differences(expected, "REDIS_QUEUE_URL=rediss://web:Old-Password@q:6379\n"))


READERS = {
    "main": dict(RBAC["main"], reader_endpoint="replica.m", reader_port=6379),
    "queue": dict(RBAC["queue"], endpoint="q.serverless", reader_endpoint="q.serverless", reader_port=6380,
                  cluster=True),
}


def test_a_worker_that_reads_from_replicas_gets_the_reader_url_with_the_same_credentials():
    worker = {"name": "web", "read_from_replicas": ["queue", "main"]}
    lines = redis_env(READERS, worker, TOKENS, {"queue": {"web": "Web-Pw-0123"}}).splitlines()
    assert "REDIS_READER_URL=rediss://default:Main-Token-0123456789@replica.m:6379" in lines
    assert "REDIS_QUEUE_READER_URL=rediss://web:Web-Pw-0123@q.serverless:6380" in lines
    assert not any(line.startswith("REDIS_PUBSUB_READER_URL=") for line in lines)
    plain = redis_env(READERS, {"name": "web"}, TOKENS, {"queue": {"web": "Web-Pw-0123"}})
    assert not any("READER" in line for line in plain.splitlines())


def test_reading_replicas_of_an_instance_without_a_reader_endpoint_is_an_error():
    with pytest.raises(ValueError, match="worker web reads main from replicas, but instance main has no reader"):
        redis_env(RBAC, {"name": "web", "read_from_replicas": ["main"]}, TOKENS, {"queue": {"web": "pw"}})
