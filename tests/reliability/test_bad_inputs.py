"""Bad input stops every playbook that changes something before any AWS call that changes anything.

Each case runs a playbook with one bad input. It must fail (rc != 0), with a message that names the
variable path, and the emulator's request log must show no mutating call in any service (EC2,
ElastiCache, CloudWatch, SNS, STS). The app host is never reached: the preflight fails on localhost first.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import sys

import pytest
import yaml

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.testbed.seed import seed

TOKEN = "Bad-Input-Test-Token-42"
OK_INSTANCES = [{"name": "main", "purpose": "main"}, {"name": "queue", "purpose": "queue"}]
# With OK_INSTANCES, every instance the local inventory has a token for.
PUBSUB = [{"name": "pubsub", "purpose": "pubsub"}]
MISSING_TOPIC = "arn:aws:sns:us-east-1:123456789012:nobody-made-this"
MISSING_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
RBAC_PASSWORD = "Bad-Input-Rbac-Password-7"
# An instance whose replication group exists before the cases run (the bed makes it).
LEGACY = {"name": "legacy", "engine": "valkey", "engine_version": "8.0", "node_type": "cache.t3.small"}


def _move(instances, target, move_instance):
    """move_kind.yml's inputs: instances and a serverless rbac target (the local inventory's workers' passwords)."""
    target = dict({"kind": "serverless", "access": "rbac", "engine": "valkey"}, **target)
    return {"cache_instances": instances + [target], "move_instance": move_instance,
            "cache_user_passwords": {target["name"]: {"web": RBAC_PASSWORD, "admin": RBAC_PASSWORD}}}


def _serverless(**fields):
    """main on nodes and a serverless valkey queue (rbac, the local inventory's workers), with fields on the queue."""
    queue = dict({"name": "queue", "purpose": "queue", "kind": "serverless", "access": "rbac", "engine": "valkey",
                  "engine_version": "8.0"}, **fields)
    return {"cache_instances": [{"name": "main"}, queue],
            "cache_user_passwords": {"queue": {"web": RBAC_PASSWORD, "admin": RBAC_PASSWORD}}}


# (id, playbook, extra vars, the variable path the message must name, extra ansible-playbook arguments)
CASES = [
    ("replicas-range", "redis", {"cache_instances": OK_INSTANCES[:1] + [{"name": "queue", "purpose": "queue", "replicas": 7}]},
     "cache_instances[1] (queue).replicas: must be between 0 and 5, got 7", []),
    ("global-burstable-node", "redis", {"cache_instances": [{"name": "main", "global": {"regions": ["us-west-2"]}}]},
     "cache_instances[0] (main).node_type: global datastores run on M5, M6g, M7g, R5, R6g, R6gd or R7g nodes", []),
    ("global-own-region", "provision",
     {"cache_instances": [{"name": "main", "node_type": "cache.r6g.large", "global": {"regions": ["us-east-1"]}}]},
     "cache_instances[0] (main).global.regions: us-east-1 is the primary's own Region", []),
    ("replicas-type", "redis", {"cache_instances": [{"name": "main", "replicas": "seven"}]},
     "cache_instances[0] (main).replicas: must be a whole number", []),
    ("node-type-typo", "redis", {"cache_defaults": {"node_type": "cache.t3.mirco"}},
     "cache_instances[0] (main).node_type: 'cache.t3.mirco' is not an ElastiCache node type this collection knows "
     "(did you mean cache.t3.micro?)", []),
    ("node-type-malformed-with-hatch", "redis",
     {"cache_defaults": {"node_type": "t3.micro"}, "cache_allow_unknown_node_types": True},
     "cache_instances[0] (main).node_type: 't3.micro' is not an ElastiCache node type", []),
    ("instance-unknown-key", "redis", {"cache_instances": [{"name": "main", "node_typ": "cache.t3.small"}]},
     "cache_instances[0] (main): unknown key 'node_typ' (did you mean node_type?)", []),
    ("defaults-unknown-key", "redis", {"cache_defaults": {"replica": 1}},
     "cache_defaults: unknown key 'replica' (did you mean replicas?)", []),
    ("defaults-old-token-key", "redis", {"cache_defaults": {"auth_token": TOKEN}},
     "cache_defaults: 'auth_token' was removed in 0.2.0; move the token to cache_auth_tokens", []),
    ("instance-old-token-key", "provision", {"cache_instances": [{"name": "main", "auth_token": TOKEN}]},
     "cache_instances[0] (main): 'auth_token' was removed in 0.2.0; move the token to cache_auth_tokens.", []),
    # Removed variables are refused, naming what to do instead (plugin_utils/specs.py REMOVED).
    ("removed-port-variable", "redis", {"network_redis_port": 0},
     "network_redis_port: was removed in 0.2.0; set cache_port", []),
    ("removed-client-variable", "configure_hosts", {"client_instances": [{"name": "main"}]},
     "client_instances: was removed in 0.2.0", []),
    ("removed-cache-variable", "destroy", {"destroy_confirm": "funmagic", "cache_subnet_group": "old-subnets"},
     "cache_subnet_group: was removed in 0.2.0; set network_subnet_group", []),
    ("defaults-not-a-mapping", "redis", {"cache_defaults": ["node_type"]}, "cache_defaults: must be a mapping", []),
    ("purpose-typo", "redis", {"cache_instances": [{"name": "main", "purpose": "queues"}]},
     "cache_instances[0] (main).purpose: must be one of main, queue, pubsub, got 'queues' (did you mean queue?)", []),
    ("duplicate-instance", "redis", {"cache_instances": [{"name": "main"}, {"name": "main"}]},
     "cache_instances[1] (main).name: 'main' is used twice", []),
    ("no-instances", "redis", {"cache_instances": []}, "cache_instances: define at least one instance", []),
    ("instance-without-name", "redis", {"cache_instances": [{"purpose": "main"}]}, "cache_instances[0].name: is required", []),
    ("windows-overlap", "redis", {"cache_defaults": {"snapshot_window": "05:00-06:00",
                                                     "maintenance_window": "sun:05:30-sun:06:30"}},
     "cache_instances[0] (main): snapshot_window '05:00-06:00' overlaps maintenance_window", []),
    ("snapshot-window-format", "redis", {"cache_instances": [{"name": "main", "snapshot_window": "3am"}]},
     "cache_instances[0] (main): snapshot_window '3am' is not valid", []),
    ("maintenance-window-short", "redis", {"cache_defaults": {"maintenance_window": "sun:05:00-sun:05:30"}},
     "cache_instances[0] (main): maintenance_window 'sun:05:00-sun:05:30' must be between 60 minutes and 24 hours", []),
    ("engine-version", "redis", {"cache_defaults": {"engine_version": "5.0.6"}},
     "cache_instances[0] (main).engine_version: engine redis 5.0.6 has no supported parameter group family", []),
    ("engine-choice", "redis", {"cache_defaults": {"engine": "memcached"}},
     "cache_defaults.engine: must be one of redis, valkey, got 'memcached'", []),
    ("retention-range", "redis", {"cache_defaults": {"snapshot_retention_limit": 40}},
     "cache_instances[0] (main).snapshot_retention_limit: must be between 0 and 35 days, got 40", []),
    ("prefix-invalid", "redis", {"cache_name_prefix": "Bad--prefix"}, "cache_name_prefix: 'Bad--prefix' is not valid", []),
    ("port-range", "redis", {"cache_port": 80}, "cache_port: must be between 1024 and 65535, got 80", []),
    ("port-type", "provision", {"cache_port": "redis"}, "cache_port: must be a whole number", []),
    ("token-short", "redis", {"cache_auth_tokens": {"main": "short-token"}}, "cache_auth_tokens.main: is not valid", []),
    ("token-forbidden-character", "redis", {"cache_auth_tokens": {"main": "has@at-sign-0123456789"}},
     "cache_auth_tokens.main: is not valid", []),
    ("token-unknown-instance", "redis", {"cache_auth_tokens": {"mian": TOKEN}},
     "cache_auth_tokens.mian: there is no instance named 'mian' (did you mean main?)", []),
    ("token-without-tls", "redis", {"cache_auth_tokens": {"main": TOKEN}, "cache_defaults": {"transit_encryption": False}},
     "cache_instances[0] (main).transit_encryption: is false, but cache_auth_tokens.main is set", []),
    ("tokens-not-a-mapping", "redis", {"cache_auth_tokens": TOKEN}, "cache_auth_tokens: must be a mapping", []),
    ("production-no-replica", "redis", {"cache_production": True, "cache_auth_tokens": {"main": TOKEN}},
     "cache_instances[0] (main): no replica in a production inventory (cache_production: true)", []),
    ("production-no-tls", "provision", {"cache_production": True, "cache_defaults": {"transit_encryption": False,
                                                                                     "replicas": 1},
                                        "cache_production_accepted_risks": ["no_auth_token"]},
     "cache_instances[0] (main): no transit encryption in a production inventory", []),
    ("production-tls-off-runbook", "redis", {"cache_production": True, "cache_auth_tokens": {},
                                             "cache_defaults": {"transit_encryption": False, "replicas": 1},
                                             "cache_production_accepted_risks": ["no_auth_token"]},
     "cache_instances[0] (main): no transit encryption in a production inventory", []),
    ("production-risk-typo", "redis", {"cache_production_accepted_risks": ["no_tls"]},
     "cache_production_accepted_risks[0]: must be one of no_transit_encryption, no_auth_token, no_replica", []),
    ("env-mode-world-readable", "redis", {"client_env_mode": "0644"}, "host app1: client_env_mode: 0644 lets every user", []),
    ("env-mode-world-writable", "configure_hosts", {"client_env_mode": "0666"},
     "host app1: client_env_mode: 0666 lets every user", []),
    ("env-mode-not-octal", "configure_hosts", {"client_env_mode": "rw-r-----"},
     "host app1: client_env_mode: 'rw-r-----' is not an octal mode", []),
    ("worker-env-mode", "redis", {"client_workers": [{"name": "web", "env_mode": "0604"}]},
     "host app1: client_workers[0] (web).env_mode: 0604 lets every user", []),
    ("worker-reads-replicas-of-none", "configure_hosts",
     {"cache_defaults": {"replicas": 0}, "client_workers": [{"name": "web", "read_from_replicas": ["main"]}]},
     "host app1: client_workers[0] (web).read_from_replicas: main is read from instance main, but it has no replica",
     []),
    ("worker-env-file-in-tmp", "redis", {"client_workers": [{"name": "web", "env_file": "/tmp/web.env"}]},
     "host app1: client_workers[0] (web).env_file: '/tmp/web.env' is in a directory every user can write to", []),
    ("worker-env-file-relative", "configure_hosts", {"client_workers": [{"name": "web", "env_file": "web.env"}]},
     "host app1: client_workers[0] (web).env_file: 'web.env' must be an absolute path", []),
    ("worker-unknown-key", "redis", {"client_workers": [{"name": "web", "queue_prefx": "web"}]},
     "host app1: client_workers[0] (web): unknown key 'queue_prefx' (did you mean queue_prefix?)", []),
    ("worker-unknown-instance", "configure_hosts", {"client_workers": [{"name": "admin", "instances": {"queue": "queue-admin"}}]},
     "host app1: client_workers[0] (admin).instances.queue: there is no instance named 'queue-admin'", []),
    ("worker-unknown-purpose", "redis", {"client_workers": [{"name": "web", "instances": {"queues": "queue"}}]},
     "host app1: client_workers[0] (web).instances: unknown purpose 'queues' (did you mean queue?)", []),
    ("no-workers", "redis", {"client_workers": []}, "host app1: client_workers: define at least one worker", []),
    ("duplicate-worker", "redis", {"client_workers": [{"name": "web"}, {"name": "web"}]},
     "host app1: client_workers[1] (web).name: 'web' is used twice", []),
    ("env-dir-relative", "redis", {"client_env_dir": "etc/funmagic"},
     "host app1: client_env_dir: 'etc/funmagic' must be an absolute path", []),
    ("vpc-id-format", "redis", {"network_vpc_id": "vpc-nope"}, "network_vpc_id: 'vpc-nope' is not a VPC id", []),
    ("subnet-id-format", "provision", {"network_subnet_ids": ["sub-1"]}, "network_subnet_ids[0]: 'sub-1' is not a subnet id", []),
    ("alarm-action-not-arn", "redis", {"monitoring_alarm_actions": ["ops-alerts"]},
     "monitoring_alarm_actions[0]: 'ops-alerts' is not an SNS topic ARN", []),
    ("alarm-period", "provision", {"monitoring_period": 45}, "monitoring_period: CloudWatch takes 10, 30 or a multiple of 60", []),
    ("alarm-connections", "redis", {"monitoring_connections_limit": 0}, "monitoring_connections_limit: must be greater than 0", []),
    ("wait-delay", "redis", {"cache_wait_delay": 0}, "cache_wait_delay: must be greater than 0, got 0", []),
    ("log-retention", "redis", {"cache_log_delivery": {"slow_log": True, "retention_days": 10}},
     "cache_log_delivery.retention_days: CloudWatch Logs keeps events for one of", []),
    ("log-delivery-unknown-key", "provision", {"cache_log_delivery": {"slowlog": True}},
     "cache_log_delivery: unknown key 'slowlog' (did you mean slow_log?)", []),
    ("shards-without-cluster-mode", "redis", {"cache_instances": [{"name": "main", "shards": 3}]},
     "cache_instances[0] (main).shards: 3 shards need cluster_mode: true", []),
    ("two-data-sources", "provision", {"cache_instances": [{"name": "main", "restore_from_snapshot": "s1",
                                                           "primary_cluster_id": "c1"}]},
     "cache_instances[0] (main): restore_from_snapshot and primary_cluster_id both say where the data comes from", []),
    ("rotation-pending", "redis", {"cache_auth_tokens": {"main": TOKEN}, "cache_auth_tokens_next": {"main": TOKEN + "x"}},
     "cache_auth_tokens_next.main: a token rotation is pending; finish it with playbooks/rotate_auth.yml", []),
    ("rotation-without-new-tokens", "rotate_auth", {},
     "cache_auth_tokens_next: set the new token of each instance to rotate", []),
    ("rotation-same-token", "rotate_auth", {"cache_auth_tokens": {"main": TOKEN}, "cache_auth_tokens_next": {"main": TOKEN}},
     "cache_auth_tokens_next.main: is the same as cache_auth_tokens.main", []),
    ("rotation-bad-new-token", "rotate_auth", {"cache_auth_tokens_next": {"main": "short"}},
     "cache_auth_tokens_next.main: is not valid", []),
    ("finish-auth-bad-token", "finish_auth", {"cache_auth_tokens": {"main": "has space 0123456789"}},
     "cache_auth_tokens.main: is not valid", []),
    ("failover-drill-bad-input", "failover_drill", {"failover_drill_instance": "main", "cache_defaults": {"replicas": 9}},
     "cache_instances[0] (main).replicas: must be between 0 and 5, got 9", []),
    ("global-failover-no-datastore", "global_failover",
     {"failover_drill_instance": "main", "failover_drill_region": "us-west-2"},
     "failover_drill_region: instance main has no global datastore", []),
    # RBAC: users, access strings, passwords, the default user, engines and TLS (plugin_utils/rbac.py).
    ("rbac-without-tls", "redis", {"cache_defaults": {"access": "rbac", "transit_encryption": False},
                                   "cache_auth_tokens": {}},
     "cache_instances[0] (main).access: rbac needs transit_encryption: true", []),
    ("rbac-old-engine", "provision", {"cache_instances": [{"name": "main", "access": "rbac", "engine_version": "5.0.6"}]},
     "cache_instances[0] (main).access: rbac needs Redis OSS 6.0 or later", []),
    ("rbac-access-choice", "redis", {"cache_defaults": {"access": "acl"}},
     "cache_defaults.access: must be one of token, rbac, got 'acl'", []),
    ("rbac-password-missing", "redis", {"cache_instances": [{"name": "main", "access": "rbac"}]},
     "cache_user_passwords.main.admin: is not set", []),
    ("rbac-password-short", "redis", {"cache_instances": [{"name": "main", "access": "rbac"}], "cache_user_passwords": {
        "main": {"web": "short", "admin": RBAC_PASSWORD}}}, "cache_user_passwords.main.web: is not valid", []),
    ("rbac-password-unknown-worker", "configure_hosts", {"cache_instances": [{"name": "main", "access": "rbac"}],
                                                         "cache_user_passwords": {"main": {
                                                             "web": RBAC_PASSWORD, "admin": RBAC_PASSWORD,
                                                             "amdin": RBAC_PASSWORD}}},
     "cache_user_passwords.main.amdin: there is no worker named 'amdin' in client_workers", []),
    ("rbac-password-unknown-instance", "redis", {"cache_user_passwords": {"main": {"web": RBAC_PASSWORD}}},
     "cache_user_passwords.main: there is no instance with access: rbac named 'main'", []),
    ("rbac-worker-named-default", "redis", {"cache_instances": [{"name": "main", "access": "rbac"}],
                                            "client_workers": [{"name": "default"}]},
     "client_workers (default).name: 'default' is the user group's default user of instance main", []),
    ("rbac-worker-invalid-user-id", "redis", {"cache_instances": [{"name": "main", "access": "rbac"}],
                                              "client_workers": [{"name": "web_1"}],
                                              "cache_user_passwords": {"main": {"web_1": RBAC_PASSWORD}}},
     "'funmagic-main-web_1' is not valid", []),
    ("rbac-broad-access-in-production", "redis", {
        "cache_production": True, "cache_defaults": {"replicas": 1, "access": "rbac"},
        "cache_instances": [{"name": "main"}], "cache_auth_tokens": {},
        "client_workers": [{"name": "web", "access_strings": {"main": "on ~* +@all"}}],
        "cache_user_passwords": {"main": {"web": RBAC_PASSWORD}}},
     "client_workers (web).access_strings.main: 'on ~* +@all' grants", []),
    ("rbac-password-rotation-pending", "provision", {"cache_instances": [{"name": "main", "access": "rbac"}],
                                                     "cache_user_passwords": {"main": {"web": RBAC_PASSWORD,
                                                                                       "admin": RBAC_PASSWORD}},
                                                     "cache_user_passwords_next": {"main": {"web": RBAC_PASSWORD + "n"}}},
     "cache_user_passwords_next.main.web: a password rotation is pending", []),
    # kind: serverless (plugin_utils/serverless_spec.py): node-only options, TLS, access, limits.
    ("serverless-node-type", "redis", _serverless(node_type="cache.t3.small"),
     "cache_instances[1] (queue).node_type: a serverless cache has no nodes to size", []),
    ("serverless-replicas", "provision", _serverless(replicas=1),
     "cache_instances[1] (queue).replicas: a serverless cache has no nodes to replicate", []),
    ("serverless-shards", "redis", _serverless(cluster_mode=True, shards=2),
     "cache_instances[1] (queue).shards: a serverless cache has no shards to choose", []),
    ("serverless-parameters", "redis", _serverless(parameters={"maxmemory-policy": "allkeys-lru"}),
     "cache_instances[1] (queue).parameters: a serverless cache has no parameter group", []),
    ("serverless-maintenance-window", "redis", _serverless(maintenance_window="mon:05:00-mon:06:00"),
     "cache_instances[1] (queue).maintenance_window: AWS patches a serverless cache without a maintenance window",
     []),
    ("serverless-tls-off", "redis", _serverless(transit_encryption=False),
     "cache_instances[1] (queue).transit_encryption: a serverless cache always uses TLS", []),
    ("serverless-token-access", "redis", _serverless(access="token"),
     "cache_instances[1] (queue).access: a serverless cache is reached only through an RBAC user group", []),
    ("serverless-limits-range", "redis", _serverless(usage_limits={"ecpu_per_second": {"maximum": 20000000}}),
     "cache_instances[1] (queue).usage_limits.ecpu_per_second.maximum: 20000000 is out of range", []),
    ("serverless-limits-min-above-max", "provision",
     _serverless(usage_limits={"data_storage": {"minimum": 20, "maximum": 10}}),
     "cache_instances[1] (queue).usage_limits.data_storage: minimum 20 is above maximum 10", []),
    ("secrets-source-choice", "redis", {"cache_secrets": "ssm"},
     "cache_secrets: must be one of vault, secretsmanager, got 'ssm'", []),
    ("batch-size-zero", "rotate_auth", {"redis_batch_size": 0}, "redis_batch_size: must be a number of hosts", []),
    ("rollout-batch-share-zero", "redis", {"cache_rollout_batch": "0%"},
     "cache_rollout_batch: must be a number of hosts", []),
    ("kms-key-not-arn", "redis", {"cache_kms_key": "my-key"}, "cache_kms_key: 'my-key' is neither create nor a KMS key ARN", []),
    ("kms-key-missing", "provision", {"cache_kms_key": MISSING_KEY},
     "cache_kms_key: KMS key %s does not exist in us-east-1" % MISSING_KEY, []),
    # What must already exist in AWS (read-only lookups).
    ("vpc-not-found", "redis", {"network_vpc_id": "vpc-0123456789abcdef0"},
     "network_vpc_id: VPC vpc-0123456789abcdef0 was not found in us-east-1", []),
    ("app-security-group-missing", "redis", {"network_app_security_group": "shop-ec2-sg"},
     "network_app_security_group: no security group named 'shop-ec2-sg'", []),
    ("app-security-group-missing-provision", "provision", {"cache_name_prefix": "shop"},
     "network_app_security_group: no security group named 'shop-ec2-sg'", []),
    ("subnets-one-zone", "redis", {"network_subnet_ids": "SUBNETS_OF_ONE_ZONE"},
     "network_subnet_ids: the subnets of VPC", []),
    ("sns-topic-missing", "provision", {"monitoring_alarm_actions": [MISSING_TOPIC]},
     "monitoring_alarm_actions[0]: SNS topic %s does not exist" % MISSING_TOPIC, []),
    ("event-topic-missing", "redis", {"cache_notification_topic_arn": MISSING_TOPIC},
     "cache_notification_topic_arn: SNS topic %s does not exist" % MISSING_TOPIC, []),
    ("event-topic-not-arn", "provision", {"cache_notification_topic_arn": "ops-events"},
     "cache_notification_topic_arn: 'ops-events' is not an SNS topic ARN", []),
    ("restore-snapshot-missing", "redis", {"cache_instances": OK_INSTANCES[:1] + [
        {"name": "queue", "purpose": "queue", "restore_from_snapshot": "nobody-made-this"}] + PUBSUB},
     "cache_instances[1] (queue).restore_from_snapshot: snapshot nobody-made-this does not exist in us-east-1", []),
    ("adopt-cluster-missing", "provision", {"cache_instances": [
        {"name": "main", "primary_cluster_id": "no-such-node", "at_rest_encryption": False}] + OK_INSTANCES[1:] + PUBSUB},
     "cache_instances[0] (main).primary_cluster_id: cache cluster no-such-node does not exist in us-east-1", []),
    # The nodes' options (module_utils/node_placement.py; the bed's subnets have no IPv6 CIDR).
    ("data-tiering-not-r6gd", "redis", {"cache_defaults": {"data_tiering": True}},
     "cache_instances[0] (main).data_tiering: needs an r6gd node type (cache.r6gd.xlarge and larger), node_type is "
     "cache.t3.micro", []),
    ("r6gd-without-data-tiering", "redis",
     {"cache_defaults": {"node_type": "cache.r6gd.xlarge", "data_tiering": False}},
     "cache_instances[0] (main).data_tiering: r6gd node types (cache.r6gd.xlarge) only run with data tiering", []),
    ("network-type-without-ipv6-subnets", "redis", {"cache_defaults": {"network_type": "dual_stack"}},
     "cache_instances[0] (main).network_type: dual_stack needs subnets with both an IPv4 and an IPv6 CIDR", []),
    ("ip-discovery-ipv6-on-ipv4", "redis", {"cache_defaults": {"ip_discovery": "ipv6"}},
     "cache_instances[0] (main).ip_discovery: ipv6 needs network_type ipv6 or dual_stack", []),
    ("preferred-azs-unknown-zone", "redis",
     {"cache_instances": [dict(OK_INSTANCES[0], preferred_azs=["us-east-1z"])] + OK_INSTANCES[1:] + PUBSUB},
     "cache_instances[0] (main).preferred_azs: us-east-1z has no subnet of the subnet group", []),
    ("preferred-azs-count", "redis", {"cache_defaults": {"replicas": 1, "preferred_azs": ["us-east-1a"]}},
     "cache_instances[0] (main).preferred_azs: lists 1 zone(s) for 2 node(s) per shard", []),
    # Check mode refuses the same way.
    ("check-mode-replicas", "redis", {"cache_defaults": {"replicas": 6}},
     "cache_instances[0] (main).replicas: must be between 0 and 5, got 6", ["--check"]),
    ("check-mode-env-mode", "configure_hosts", {"client_env_mode": "0604"}, "host app1: client_env_mode: 0604", ["--check"]),
    # What AWS cannot do to the group that exists (funmagic-legacy: valkey 8.0 on cache.t3.small, 0.93 GiB used).
    ("engine-downgrade", "redis", {"cache_instances": OK_INSTANCES + PUBSUB + [dict(LEGACY, engine_version="7.2")]},
     "cache_instances[3] (legacy).engine_version: replication group funmagic-legacy runs valkey 8.0 and ElastiCache "
     "cannot downgrade an engine (7.2 asked)", []),
    ("valkey-to-redis", "redis", {"cache_instances": OK_INSTANCES + PUBSUB + [
        dict(LEGACY, engine="redis", engine_version="7.1")]},
     "cache_instances[3] (legacy).engine: replication group funmagic-legacy runs valkey, which cannot go back to "
     "redis", []),
    ("scale-down-below-used-memory", "redis", {"cache_instances": OK_INSTANCES + PUBSUB + [
        dict(LEGACY, node_type="cache.t3.micro")]},
     "cache_instances[3] (legacy).node_type: replication group funmagic-legacy holds 0.93 GiB (BytesUsedForCache) "
     "and a cache.t3.micro node keeps 0.38 GiB for data", ["--check"]),
    # move_kind.yml (plugin_utils/kind_move.py): the instance to move, its target, and the group it carries over.
    ("move-instance-outside-move-kind", "redis", {"move_instance": "main"},
     "move_instance: only playbooks/move_kind.yml takes it", []),
    ("move-kind-unknown-instance", "move_kind",
     _move(OK_INSTANCES + PUBSUB, {"name": "main2", "moved_from": "main"}, "nope"),
     "move_instance: no instance named 'nope' in cache_instances", []),
    ("move-kind-no-group", "move_kind", _move(OK_INSTANCES + PUBSUB, {"name": "main2", "moved_from": "main"}, "main"),
     "move_instance: replication group funmagic-main of 'main' does not exist in AWS", []),
    ("move-kind-valkey-into-redis", "move_kind",
     _move(OK_INSTANCES + PUBSUB + [LEGACY], {"name": "legacy2", "engine": "redis", "moved_from": "legacy"}, "legacy"),
     "cache_instances[4] (legacy2).moved_from: legacy runs Valkey, and a Valkey snapshot cannot be restored into "
     "Redis OSS", []),
    # destroy.yml
    ("destroy-unconfirmed", "destroy", {}, "destroy_confirm: this deletes every funmagic-* cache; confirm with "
                                           "-e destroy_confirm=funmagic", []),
    ("destroy-wrong-confirmation", "destroy", {"destroy_confirm": "funmagic-prod"}, "destroy_confirm: this deletes", []),
    ("destroy-bad-instances", "destroy", {"destroy_confirm": "funmagic", "cache_instances": [{"name": "main", "replicas": -1}]},
     "cache_instances[0] (main).replicas: must be between 0 and 5, got -1", []),
]


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    """An account with the app security group, a subnet of one zone, and the local inventory's variables."""
    emulator_session.reset()
    seed(emulator_session.endpoint)
    import boto3  # pylint: disable=import-outside-toplevel

    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=emulator_session.endpoint)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    zone_a = [s for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
              if s["AvailabilityZone"] == "us-east-1a"][0]
    extra = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="172.31.200.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    _legacy_group(emulator_session.endpoint, ec2, vpc["VpcId"])
    inventory = tmp_path_factory.mktemp("bad-inputs")
    (inventory / "group_vars").mkdir()
    shutil.copy(os.path.join(ROOT, "inventories", "local", "group_vars", "all.yml"), inventory / "group_vars")
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
        # Never reached: every case fails in the preflight, which runs on localhost.
        "children": {"app": {"hosts": {"app1": {"ansible_connection": "community.general.chroot",
                                                "ansible_host": str(inventory / "no-such-rootfs")}}}}}}))
    emulator_session.call("requests", method="DELETE")
    return emulator_session, inventory, [zone_a["SubnetId"], extra["SubnetId"]]


def _legacy_group(endpoint, ec2, vpc_id):
    """funmagic-legacy on valkey 8.0, cache.t3.small, whose node CloudWatch says uses 0.93 GiB."""
    import boto3  # pylint: disable=import-outside-toplevel

    elasticache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=endpoint)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]]
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="legacy-subnets", CacheSubnetGroupDescription="legacy",
                                          SubnetIds=subnets[:2])
    elasticache.create_replication_group(ReplicationGroupId="funmagic-legacy", ReplicationGroupDescription="legacy",
                                         Engine="valkey", EngineVersion="8.0", CacheNodeType="cache.t3.small",
                                         NumCacheClusters=1, CacheSubnetGroupName="legacy-subnets",
                                         AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True)
    elasticache.get_waiter("replication_group_available").wait(ReplicationGroupId="funmagic-legacy",
                                                               WaiterConfig={"Delay": 1})
    boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=endpoint).put_metric_data(
        Namespace="AWS/ElastiCache", MetricData=[{"MetricName": "BytesUsedForCache", "Value": 1e9, "Unit": "Bytes",
                                                  "Dimensions": [{"Name": "CacheClusterId",
                                                                  "Value": "funmagic-legacy-001"}]}])


def _run(bed, case):
    emulator, inventory, one_zone = bed
    name, playbook, extra, _expected, args = case
    extra = dict(extra)
    if extra.get("network_subnet_ids") == "SUBNETS_OF_ONE_ZONE":
        extra["network_subnet_ids"] = one_zone
    vars_file = inventory / ("%s.json" % name)
    vars_file.write_text(json.dumps(extra))
    rc, output = run_ansible.playbook(os.path.join(ROOT, "playbooks", playbook + ".yml"), emulator, "-i", str(inventory),
                                      "-e", "@%s" % vars_file, *args, check=False,
                                      extra_env={"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"})
    return rc, output


@pytest.fixture(scope="module")
def results(bed):
    """Every case, three at a time (they only read from the emulator), then the request log."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        answers = dict(zip([c[0] for c in CASES], pool.map(lambda case: _run(bed, case), CASES)))
    return answers, bed[0].requests()


def _messages(output):
    """The msg of every failed task in ansible's JSON output."""
    start = output.find("{")
    data = json.loads(output[start:output.rfind("}") + 1])
    return [result.get("msg", "") for play in data["plays"] for task in play["tasks"]
            for result in task["hosts"].values() if result.get("failed")]


# Playbooks that change nothing, and so need no preflight.
READ_ONLY = {"preflight", "verify", "cost_report", "drift", "compliance"}


def test_there_are_at_least_forty_cases_across_every_playbook_that_changes_something():
    playbooks = {name[:-4] for name in os.listdir(os.path.join(ROOT, "playbooks")) if name.endswith(".yml")}
    assert len(CASES) >= 40
    assert set(c[1] for c in CASES) == playbooks - READ_ONLY


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_fails_naming_the_variable(results, case):
    rc, output = results[0][case[0]]
    assert rc != 0, output[-3000:]
    messages = _messages(output)
    assert any(case[3] in line for message in messages for line in message.splitlines()), messages
    assert any(m.startswith("Invalid inputs") for m in messages), messages


def test_no_mutating_call_in_any_service(results):
    requests = results[1]
    assert {r["service"] for r in requests} >= {"ec2"}, "the lookups ran"
    assert [(r["service"], r["operation"]) for r in requests if r["mutating"]] == []


def test_no_token_or_password_in_any_output(results):
    for _rc, output in results[0].values():
        assert TOKEN not in output and RBAC_PASSWORD not in output
        assert "Local-Test-Token-0123" not in output  # the inventory's own tokens
