"""In-transit encryption turned on for a running group, as ElastiCache does it: no TLS -> preferred (plain and TLS
clients on the same endpoint and port) -> required, with clients connecting all along and none refused."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from tests.emulator import hosts, probes


class Connector(threading.Thread):
    """A new connection every 20 ms, plain or TLS, PING; every failure kept."""

    def __init__(self, host, ca_file, tls):
        super().__init__(daemon=True)
        self.host, self.ca_file, self.tls = host, ca_file, tls
        self.stop, self.pongs, self.failures = threading.Event(), 0, []

    def run(self):
        while not self.stop.is_set():
            try:
                options = {"ssl": True, "ssl_ca_certs": self.ca_file} if self.tls else {}
                client = redis.Redis(host=self.host, port=6379, socket_timeout=3, **options)
                client.ping()
                client.close()
                self.pongs += 1
            except redis.RedisError as error:
                self.failures.append(str(error))
            time.sleep(0.02)


def _modify(aws, **params):
    aws.elasticache.modify_replication_group(ReplicationGroupId="main", ApplyImmediately=True, **params)
    probes.statuses_until(aws, "available")


def _answers(host, ca_file, tls):
    hosts.assert_mapped(host)
    options = {"ssl": True, "ssl_ca_certs": ca_file} if tls else {}
    try:
        return redis.Redis(host=host, port=6379, socket_timeout=3, **options).ping() is True
    except redis.RedisError:
        return False


def test_tls_on_through_preferred_without_a_refused_connection(aws, emulator):
    probes.network(aws)
    probes.create(aws, EngineVersion="7.1")
    probes.statuses_until(aws, "available")
    host = probes.describe(aws)["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    ca_file = emulator.state()["ca_file"]
    kept = redis.Redis(host=host, port=6379, socket_timeout=3)
    kept.set("before", "tls")
    plain = Connector(host, ca_file, tls=False)
    plain.start()

    with pytest.raises(Exception) as excinfo:  # AWS: enabling on an existing group goes through preferred
        aws.elasticache.modify_replication_group(ReplicationGroupId="main", TransitEncryptionEnabled=True,
                                                 TransitEncryptionMode="required", ApplyImmediately=True)
    assert probes.code(excinfo) == "InvalidParameterCombination"

    aws.elasticache.modify_replication_group(ReplicationGroupId="main", TransitEncryptionEnabled=True,
                                             TransitEncryptionMode="preferred", ApplyImmediately=True)
    pending = probes.describe(aws)["PendingModifiedValues"]
    assert pending == {"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}
    probes.statuses_until(aws, "available")
    group = probes.describe(aws)
    assert (group["TransitEncryptionEnabled"], group["TransitEncryptionMode"]) == (True, "preferred")
    assert group["NodeGroups"][0]["PrimaryEndpoint"] == {"Address": host, "Port": 6379}
    assert _answers(host, ca_file, tls=True) and _answers(host, ca_file, tls=False)
    assert kept.get("before") == b"tls"  # the connection made before stays open
    secure = Connector(host, ca_file, tls=True)
    secure.start()
    time.sleep(0.5)
    plain.stop.set()
    plain.join(10)
    assert plain.failures == [] and plain.pongs > 10

    _modify(aws, TransitEncryptionMode="required")
    assert probes.describe(aws)["TransitEncryptionMode"] == "required"
    assert not _answers(host, ca_file, tls=False)
    with pytest.raises(redis.ConnectionError):  # ElastiCache drops the unencrypted connections
        kept.get("before")
    time.sleep(0.5)
    secure.stop.set()
    secure.join(10)
    assert secure.failures == [] and secure.pongs > 10
    assert probes.client(emulator, host, token=None).get("before") == b"tls"

    with pytest.raises(Exception) as excinfo:  # and off again only through preferred
        aws.elasticache.modify_replication_group(ReplicationGroupId="main", TransitEncryptionEnabled=False,
                                                 ApplyImmediately=True)
    assert probes.code(excinfo) == "InvalidParameterCombination"


def test_tls_cannot_be_changed_before_engine_7(aws):
    probes.network(aws)
    probes.create(aws, EngineVersion="6.2")
    probes.statuses_until(aws, "available")
    with pytest.raises(Exception) as excinfo:
        aws.elasticache.modify_replication_group(ReplicationGroupId="main", TransitEncryptionEnabled=True,
                                                 TransitEncryptionMode="preferred", ApplyImmediately=True)
    assert probes.code(excinfo) == "InvalidParameterCombination"
