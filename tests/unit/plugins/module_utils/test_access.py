"""Access strings per worker and purpose (plugins/module_utils/access.py).

The NOPERM proofs with the real BullMQ and a real redis-server are in tests/integration/test_bullmq_acl.py.
"""

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.access import BULLMQ_COMMANDS
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import BULLMQ_MEASURED
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import BULLMQ_ROUND_TRIP_COMMANDS
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import DEFAULT_USER_OFF
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import MIGRATION_DEFAULT
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import access_string
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import glob_matches
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import queue_key_pattern
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import refused_key
from ansible_collections.funmagic.elasticache.plugins.module_utils.access import risks
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_env

WEB = {"name": "web", "queue_prefix": "web", "key_patterns": None, "channels": None}
ADMIN = {"name": "admin", "queue_prefix": "admin", "key_patterns": ["admin:*", "sessions:admin:*"],
         "channels": ["admin:*"]}


def _tokens(text, first):
    return [token[len(first):] for token in text.split() if token.startswith(first)]


@pytest.mark.parametrize("prefix, cluster, pattern", [
    ("", False, "bull:*"), ("web", False, "web:*"), ("{web}", False, "{web}:*"),
    ("", True, "{bull}:*"), ("web", True, "{web}:*"), ("{web}", True, "{web}:*"), ("a*b", False, "a\\*b:*"),
])
def test_queue_key_pattern_is_bullmqs_prefix_and_hash_tagged_in_cluster_mode(prefix, cluster, pattern):
    assert queue_key_pattern(prefix, cluster) == pattern


@pytest.mark.parametrize("prefix, cluster", [("", False), ("web", False), ("", True), ("web", True)])
def test_queue_key_pattern_covers_the_queue_prefix_the_env_file_gets(prefix, cluster):
    instances = {name: {"purpose": name, "endpoint": name + ".example", "port": 6379, "tls": True,
                        "cluster": cluster and name == "queue"} for name in ("main", "queue")}
    env = redis_env(instances, {"name": "web", "queue_prefix": prefix})
    (line,) = [line for line in env.splitlines() if line.startswith("QUEUE_PREFIX=")]
    used = line.split("=", 1)[1] or "bull"  # BullMQ's own default when QUEUE_PREFIX is empty
    assert glob_matches(used + ":jobs:wait", [queue_key_pattern(prefix, cluster)])


def test_a_queue_user_gets_its_prefix_no_channel_and_exactly_bullmqs_commands():
    text = access_string({"queue"}, WEB)
    assert text.startswith("on ~web:* resetchannels -@all ")
    assert _tokens(text, "~") == ["web:*"] and _tokens(text, "&") == []
    granted = {command.upper() for command in _tokens(text, "+")}
    assert granted == BULLMQ_COMMANDS | {"PING", "INFO", "CLIENT|SETNAME"}
    assert BULLMQ_ROUND_TRIP_COMMANDS <= granted
    assert not {"SCAN", "KEYS", "CLIENT|LIST", "FLUSHALL", "FLUSHDB", "CONFIG"} & granted
    assert BULLMQ_MEASURED["bullmq"].startswith("6.")


def test_an_empty_queue_prefix_is_bullmqs_bull_and_cluster_mode_adds_topology_commands():
    text = access_string({"queue"}, dict(WEB, queue_prefix=""), cluster=True)
    assert _tokens(text, "~") == ["{bull}:*"]
    assert {"+cluster|slots", "+cluster|info", "+readonly", "+asking"} <= set(text.split())


def test_a_pubsub_user_gets_channels_only():
    text = access_string({"pubsub"}, ADMIN)
    assert _tokens(text, "~") == [] and _tokens(text, "&") == ["admin:*"]
    assert text.split()[:3] == ["on", "resetchannels", "&admin:*"]
    granted = set(_tokens(text, "+"))
    assert {"subscribe", "psubscribe", "publish", "ping"} <= granted
    assert not any(command.startswith("pubsub") for command in granted)
    assert _tokens(access_string({"pubsub"}, WEB), "&") == ["*"]


def test_a_main_user_gets_its_key_patterns_and_data_commands_without_dangerous_ones():
    assert _tokens(access_string({"main"}, ADMIN), "~") == ["admin:*", "sessions:admin:*"]
    text = access_string({"main"}, WEB)
    assert _tokens(text, "~") == ["web:*"]
    assert text.index("-@all") < text.index("+@read") < text.index("-@dangerous")
    assert risks(text) == []


def test_one_instance_for_several_purposes_grants_the_union():
    text = access_string({"main", "queue", "pubsub"}, ADMIN, cluster=True)
    assert _tokens(text, "~") == ["admin:*", "sessions:admin:*", "{admin}:*"]
    assert _tokens(text, "&") == ["admin:*"]
    assert {"+@read", "+evalsha", "+bzpopmin", "+subscribe", "+cluster|slots"} <= set(text.split())
    # commands granted by name come after the categories taken away, so -@dangerous cannot remove INFO
    assert text.index("-@dangerous") < text.index("+info")


def test_older_engines_get_only_the_syntax_they_understand():
    assert "|" not in access_string({"main"}, WEB, engine_version="6.2").replace("client|setname", "")
    assert "+ssubscribe" not in access_string({"pubsub"}, WEB, engine_version="6.2")
    assert "&" not in access_string({"pubsub"}, WEB, engine_version="6.0")
    assert "resetchannels" not in access_string({"queue"}, WEB, engine_version="6.0")


@pytest.mark.parametrize("purposes, worker", [(set(), WEB), ({"cache"}, WEB), ({"main"}, {"queue_prefix": "x"})])
def test_bad_purposes_or_a_nameless_worker_are_refused(purposes, worker):
    with pytest.raises(ValueError):
        access_string(purposes, worker)


@pytest.mark.parametrize("purposes", [{"main"}, {"queue"}, {"pubsub"}, {"main", "queue", "pubsub"}])
def test_derived_strings_hold_no_password_and_no_syntax_elasticache_refuses(purposes):
    for cluster in (False, True):
        text = access_string(purposes, WEB, cluster=cluster)
        assert text.split()[0] == "on"
        assert not [token for token in text.split() if token[0] in "><#!" or token in ("nopass", "reset")]
        assert risks(text) == []


def test_the_default_users_are_off_or_a_migration_that_production_must_accept():
    assert DEFAULT_USER_OFF == "off -@all" and risks(DEFAULT_USER_OFF) == []
    assert risks(MIGRATION_DEFAULT) == ["~*", "+@all"]


@pytest.mark.parametrize("text, found", [
    ("on ~* +@all", ["~*", "+@all"]),
    ("on allkeys +@dangerous", ["allkeys", "+@dangerous"]),
    ("on ~a:* -@all +get +flushall +keys +config|get", ["+flushall", "+keys", "+config|get"]),
    ("on ~a:* -@all +client +client|setname +client|kill +info", ["+client", "+client|kill"]),
    ("on ~a:* -@all +get (%R~* +get)", ["%R~*"]),
    ("on ~a:* +@admin", ["+@admin"]),
    ("on ~a:* -@all +@read -@dangerous", []),
    ("on ~a:* -@all +@write +@hash", ["+@write"]),
    ("on ~a:* +@keyspace -@dangerous +@connection", ["+@connection"]),
])
def test_risks_names_each_rule_production_refuses(text, found):
    assert risks(text) == found


@pytest.mark.parametrize("own, other, key", [
    (["web:*"], ["admin:*"], "admin:refused-probe"),
    (["{web}:*"], ["{admin}:*"], "{admin}:refused-probe"),
    (["admin:refused-probe*"], ["admin:*"], "admin:x"),
    (["*"], ["admin:*"], None),
    (["web:*"], ["web:*"], None),
    ([], ["a\\*b"], "a*b"),
])
def test_refused_key_matches_the_other_worker_and_never_the_own(own, other, key):
    assert refused_key(own, other) == key
    if key is not None:
        assert glob_matches(key, other) and not glob_matches(key, own)
