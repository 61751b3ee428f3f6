"""One instance with TLS and an AUTH token holding '#' and '&', one Debian host."""

from tests.molecule_support import checks

ENV_FILE = "/etc/funmagic/web.env"


def test_redis_cli_is_installed(hosts):
    host = hosts["app1"]
    assert host.package("redis-tools").is_installed
    assert host.exists("redis-cli")


def test_env_file_is_root_owned_with_mode_0640(hosts):
    env = hosts["app1"].file(ENV_FILE)
    assert env.is_file
    assert (env.user, env.group, env.mode) == ("root", "root", 0o640)


def test_env_file_holds_the_tls_url_with_the_token_url_encoded(hosts, aws, inputs):
    env = checks.env_file(hosts["app1"], ENV_FILE)
    assert set(env) == checks.ENV_KEYS
    endpoint, port = checks.primary_endpoint(aws.elasticache, "funmagic-main")
    expected = checks.expected_url(endpoint, port, True, inputs["cache_auth_tokens"]["main"])
    assert "%23" in expected and "%26" in expected
    for key in checks.URL_KEYS:  # one instance: main serves the queue and pub/sub too
        checks.assert_url(env[key], expected, key)
    assert env["REDIS_TLS"] == "true"
    assert env["QUEUE_PREFIX"] == "web"


def test_redis_cli_gets_pong_over_tls_from_inside_the_host(hosts):
    checks.ping(hosts["app1"], ENV_FILE, "REDIS_URL", tls=True)


def test_the_group_has_tls_auth_and_encryption_at_rest(aws):
    group = aws.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-main")["ReplicationGroups"][0]
    assert group["TransitEncryptionEnabled"] and group["AuthTokenEnabled"] and group["AtRestEncryptionEnabled"]


def test_redis_security_group_admits_only_the_app_group_on_the_redis_port(aws):
    rules = checks.security_group_rules(aws.ec2, "funmagic-redis-sg")
    assert len(rules) == 1
    rule = rules[0]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 6379, 6379)
    assert rule["IpRanges"] == [] and rule.get("Ipv6Ranges", []) == [] and rule.get("PrefixListIds", []) == []
    assert [pair["GroupId"] for pair in rule["UserIdGroupPairs"]] == [checks.security_group_id(aws.ec2, "funmagic-ec2-sg")]


def test_subnet_group_spans_two_or_more_zones(aws):
    assert len(checks.subnet_group_zones(aws.elasticache, "funmagic-redis-subnet")) >= 2


def test_alarms_use_the_thresholds_the_inventory_asked_for(aws, inputs):
    alarms = checks.alarms(aws.cloudwatch, "funmagic-main-")
    assert {"funmagic-main-001-cpu", "funmagic-main-001-memory", "funmagic-main-001-connections",
            "funmagic-main-001-evictions"} <= set(alarms)
    assert alarms["funmagic-main-001-connections"]["Threshold"] == inputs["monitoring_connections_limit"]
    assert alarms["funmagic-main-001-evictions"]["Threshold"] == inputs["monitoring_evictions_limit"]
    assert alarms["funmagic-main-001-cpu"]["Threshold"] == 45.0  # 90 % of one of the t3.micro's 2 vCPUs
    for alarm in alarms.values():
        assert alarm["Dimensions"][0] == {"Name": "CacheClusterId", "Value": "funmagic-main-001"}
