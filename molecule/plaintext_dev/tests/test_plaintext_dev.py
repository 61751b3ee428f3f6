"""TLS off and no AUTH token: plain redis:// URLs, and redis-cli without --tls gets PONG."""

from tests.molecule_support import checks

ENV_FILE = "/etc/funmagic/web.env"


def test_env_file_holds_plain_urls_without_a_token(hosts, aws):
    env = checks.env_file(hosts["app1"], ENV_FILE)
    endpoint, port = checks.primary_endpoint(aws.elasticache, "funmagic-main")
    for key in checks.URL_KEYS:
        checks.assert_url(env[key], f"redis://{endpoint}:{port}", key)
    assert env["REDIS_TLS"] == "false"
    assert env["QUEUE_PREFIX"] == ""
    assert hosts["app1"].file(ENV_FILE).mode == 0o640


def test_redis_cli_without_tls_gets_pong(hosts):
    checks.ping(hosts["app1"], ENV_FILE, "REDIS_URL", tls=False)


def test_the_group_has_neither_tls_nor_a_token(aws):
    group = aws.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-main")["ReplicationGroups"][0]
    assert not group["TransitEncryptionEnabled"] and not group["AuthTokenEnabled"]
