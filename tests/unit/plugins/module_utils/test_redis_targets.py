"""redis_ping's targets: each target's parameters, the /etc/hosts check, the messages and the summary."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import redis_targets
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import message
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import missing_from_hosts
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import summary
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import target_params

DEFAULTS = {"host": None, "port": 6379, "tls": True, "cluster": False, "user": None, "password": None,
            "refused_key": None, "timeout": 5, "ca_file": None, "fail_on_error": True, "targets": None}


def test_a_target_takes_its_own_values_over_the_module_options():
    params = dict(DEFAULTS, timeout=2, targets=[{"name": "main", "host": "m.example"},
                                                {"name": "queue", "host": "q.example", "port": "6380", "tls": False,
                                                 "user": "web", "password": "pw", "refused_key": "admin:x"}])
    main, queue = target_params(params)
    assert (main["name"], main["host"], main["port"], main["tls"], main["timeout"]) == \
        ("main", "m.example", 6379, True, 2)
    assert (queue["port"], queue["tls"], queue["user"], queue["refused_key"]) == (6380, False, "web", "admin:x")
    assert main["targets"] is None and main["password"] is None


@pytest.mark.parametrize("target, field", [({"host": "h"}, "name"), ({"name": "main"}, "host")])
def test_a_target_without_a_name_or_host_is_refused_naming_the_field(target, field):
    with pytest.raises(ValueError, match=r"targets\[1\]\.%s: required" % field):
        target_params(dict(DEFAULTS, targets=[{"name": "ok", "host": "h"}, target]))


def test_hosts_missing_from_etc_hosts_are_named_in_order_once():
    text = "127.0.0.1 localhost\n127.0.33.5 m.example other\n"
    missing = missing_from_hosts(text, ["m.example", "q.example", "q.example", "p.example"])
    assert missing == ["q.example", "p.example"]
    assert missing_from_hosts(text, ["example"]) == ["example"]  # a part of a name is not the name


def test_messages_say_pong_with_the_tls_version_or_the_noperm_proof_or_why_not():
    assert message({"name": "main"}, False, {"pong": True, "latency_ms": 1.2, "tls_version": "TLSv1.3"}) == \
        "main: PONG in 1.2 ms over TLSv1.3"
    assert message({"name": "main"}, False, {"pong": True, "latency_ms": 1.2, "tls_version": None}) == \
        "main: PONG in 1.2 ms over plain TCP"
    assert message({"name": "queue", "user": "web", "refused_key": "admin:x"}, False,
                   {"pong": True, "latency_ms": 3, "refused": True}) == \
        "queue as web: PONG in 3 ms, refused on admin:x (NOPERM)"
    assert message({"name": "queue", "user": "web"}, True, {"pong": False, "msg": "No PONG (auth)"}) == \
        "queue as web: No PONG (auth)"


def test_the_summary_fails_naming_every_failed_target_with_its_reason():
    outcomes = [(False, {"pong": True, "msg": "PONG"}), (True, {"pong": False, "msg": "No PONG from q (tcp): x"}),
                (True, {"pong": False, "msg": "No PONG from p (auth): y"})]
    failed, msg = summary(["main", "queue", "pubsub as web"], outcomes)
    assert failed and msg == "queue: No PONG from q (tcp): x; pubsub as web: No PONG from p (auth): y"
    assert summary(["main"], outcomes[:1]) == (False, "PONG from 1 of 1")


CONNECTIONS = {"main": {"endpoint": "m.example", "port": 6379, "tls": True, "cluster": False, "access": "token"},
               "queue": {"endpoint": "q.example", "port": 6380, "tls": True, "cluster": True, "access": "rbac"}}
WORKERS = [{"name": "web", "users": {"queue": "web"}, "refused_keys": {"queue": "admin:proof"}},
           {"name": "admin", "users": {"queue": "admin"}}, {"name": "cron"}]


def test_a_token_instance_is_pinged_once_and_an_rbac_one_as_each_worker_that_has_a_user_there():
    found = redis_targets.identities(CONNECTIONS, {"main": "t0ken"}, WORKERS,
                                     {"queue": {"web": "pw-web"}}, rotating=["main"], rotating_users={"queue": ["web"]})
    assert [(i["name"], i["worker"], i["user"], i["secret"], i["where"], i["refused_key"]) for i in found] == [
        ("main", None, None, "t0ken", "cache_auth_tokens_next.main", None),
        ("queue", "admin", "admin", None, "cache_user_passwords.queue.admin", None),
        ("queue", "web", "web", "pw-web", "cache_user_passwords_next.queue.web", "admin:proof")]


def test_redis_ping_targets_come_from_the_same_identities_with_each_connection_s_endpoint():
    assert redis_targets.from_connections(CONNECTIONS, {"main": ""}, WORKERS[:1], {"queue": {"web": "pw"}}) == [
        {"name": "main", "host": "m.example", "port": 6379, "tls": True, "cluster": False, "user": None,
         "password": None, "refused_key": None},
        {"name": "queue", "host": "q.example", "port": 6380, "tls": True, "cluster": True, "user": "web",
         "password": "pw", "refused_key": "admin:proof"}]


READERS = {
    "main": {"purpose": "main", "endpoint": "m", "port": 6379, "tls": True, "access": "token", "order": 0,
             "reader_endpoint": "r.m", "reader_port": 6379},
    "queue": {"purpose": "queue", "endpoint": "q", "port": 6379, "tls": True, "access": "rbac", "order": 1,
              "cluster": True, "reader_endpoint": "q", "reader_port": 6380},
    "pubsub": {"purpose": "pubsub", "endpoint": "p", "port": 6379, "tls": True, "access": "token", "order": 2},
}


def test_with_readers_adds_the_reader_endpoint_of_what_a_worker_reads_from_replicas():
    found = redis_targets.with_readers(READERS, [{"name": "web", "read_from_replicas": ["queue"]}, {"name": "admin"}])
    assert sorted(found) == ["main", "pubsub", "queue", "queue (reader)"]
    assert (found["queue (reader)"]["endpoint"], found["queue (reader)"]["port"]) == ("q", 6380)
    assert found["queue (reader)"]["reader_of"] == "queue" and found["queue"] == READERS["queue"]
    # an instance without a reader endpoint (the preflight refuses reading from it) adds nothing
    assert redis_targets.with_readers(READERS, [{"name": "web", "read_from_replicas": ["pubsub"]}]) == READERS


def test_a_reader_endpoint_is_checked_with_its_instances_users_and_secrets():
    workers = [{"name": "web", "users": {"queue": "web"}, "refused_keys": {"queue": "{admin}:x"},
                "read_from_replicas": ["main", "queue"]}]
    found = redis_targets.identities(READERS, {"main": "Tok-1"}, workers, {"queue": {"web": "Pw-1"}})
    assert [(i["name"], i["connection"]["endpoint"], i["connection"]["port"], i["user"], i["secret"], i["where"],
             i["refused_key"]) for i in found] == [
        ("main", "m", 6379, None, "Tok-1", "cache_auth_tokens.main", None),
        ("main (reader)", "r.m", 6379, None, "Tok-1", "cache_auth_tokens.main", None),
        ("pubsub", "p", 6379, None, None, "cache_auth_tokens.pubsub", None),
        ("queue", "q", 6379, "web", "Pw-1", "cache_user_passwords.queue.web", "{admin}:x"),
        ("queue (reader)", "q", 6380, "web", "Pw-1", "cache_user_passwords.queue.web", "{admin}:x")]
    targets = redis_targets.from_connections(READERS, {"main": "Tok-1"}, workers, {"queue": {"web": "Pw-1"}})
    assert [(t["name"], t["host"], t["port"], t["cluster"]) for t in targets][-1] == ("queue (reader)", "q", 6380, True)
