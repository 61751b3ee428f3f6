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
    "main": {"purpose": "main", "url": "rediss://m", "tls": True},
    "queue-web": {"purpose": "queue", "url": "rediss://qw", "tls": True},
    "queue-admin": {"purpose": "queue", "url": "rediss://qa", "tls": True},
}


def test_env_file_of_a_worker():
    env = redis_env(INSTANCES, {"name": "admin", "queue_prefix": "admin", "instances": {"queue": "queue-admin"}})
    assert env.splitlines() == ["REDIS_URL=rediss://m", "REDIS_QUEUE_URL=rediss://qa", "REDIS_PUBSUB_URL=rediss://m",
                                "REDIS_TLS=true", "QUEUE_PREFIX=admin"]


def test_single_instance_serves_every_purpose_and_empty_prefix():
    env = redis_env({"main": {"purpose": "main", "url": "redis://m", "tls": False}}, {"name": "web"})
    assert env == ("REDIS_URL=redis://m\nREDIS_QUEUE_URL=redis://m\nREDIS_PUBSUB_URL=redis://m\n"
                   "REDIS_TLS=false\nQUEUE_PREFIX=\n")


def test_worker_mapping_to_an_unknown_instance_is_an_error():
    with pytest.raises(ValueError, match="queue-nope"):
        redis_env(INSTANCES, {"name": "web", "instances": {"queue": "queue-nope"}})
