#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: inputs
short_description: Check every input of the collection's roles at once, and resolve the model they use
version_added: 0.2.0
description:
  - Runs on the controller (an action plugin). Every playbook of the collection that changes something starts
    with it, so that bad input stops the run before any AWS call that changes anything, in check mode too.
  - >-
    Reads the roles' inputs as Ansible layers them (the roles' defaults under the inventory's values), checks
    types, known keys, ranges, names, windows, node types, tokens, file modes and production safety, and reports
    every problem at once, each naming the variable path, for example
    "cache_instances[1] (queue).replicas: must be between 0 and 5, got 7".
  - Returns the resolved model (derived names, instance specs, client settings per host). It holds no secret.
author:
  - Funmagic Platform Team (@funmagic)
options:
  roles:
    description: The roles whose inputs are checked.
    type: list
    elements: str
    choices: [network, cache, monitoring, client, destroy, failover_drill, compliance]
    default: [network, cache, monitoring, client, destroy]
  client_hosts:
    description: The application hosts whose C(client_*) variables are checked. The current host when omitted.
    type: list
    elements: str
  discover:
    description:
      - Also look up, read-only, what must exist in AWS (the VPC, subnets in two availability zones, the application
        security group) and every AWS object the inputs name (the SNS topics of the alarms and of the events, the
        snapshots to restore from, the cache clusters to adopt) with M(funmagic.elasticache.prerequisites_info).
    type: bool
    default: false
  describe:
    description:
      - Also describe the replication groups and return C(connections) (endpoint, port, TLS, whether a token is
        used) and C(alarms) for the instances that exist, and C(missing) for those that do not.
    type: bool
    default: false
  reuse:
    description:
      - With I(describe), use the replication groups as they were last described in this run (by the preflight with
        I(remember=true), or by the cache role's wait), for the same region, endpoint and ids, instead of
        describing them again. Describes them when nothing was remembered.
    type: bool
    default: false
    version_added: 0.2.0
  remember:
    description:
      - C(true) is for the run's preflight. It remembers, in the run's memo, that the inputs of I(roles) are checked (a
        later preflight of the same roles in this run is skipped) and, with I(describe), the description for later
        I(reuse). C(false) forgets the description, for the roles that are about to change the groups.
      - Omitted, what was remembered is left as it is.
      - The memo is the fact C(funmagic_elasticache_run), on the host the task runs on (run it on localhost, or
        delegate it there with C(delegate_facts)). This action is its only writer; it holds no credential and no
        token.
    type: bool
    version_added: 0.2.0
  record:
    description:
      - What a role learnt that later roles of the run need, remembered in the run's memo without asking AWS again.
    type: dict
    version_added: 0.2.0
    suboptions:
      replication_groups:
        description:
          - The replication groups as M(funmagic.elasticache.replication_group_info) described them (the cache role,
            after its wait), remembered for later I(reuse).
        type: list
        elements: dict
      serverless_caches:
        description:
          - The serverless caches as M(funmagic.elasticache.replication_group_info) described them (the cache role,
            after its wait), remembered with I(replication_groups).
        type: list
        elements: dict
        version_added: 0.3.0
      redis_security_group_id:
        description:
          - The id of the Redis security group the network role made in this run. Needs I(discover). Lookups answered
            before the group existed then give its id.
        type: str
  rotation:
    description: Whether an AUTH token rotation is under way (C(cache_auth_tokens_next) is then checked too).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - The AUTH tokens are read from C(cache_auth_tokens) only to be checked; they are never returned.
"""

EXAMPLES = r"""
- name: Check every input before anything changes
  funmagic.elasticache.inputs:
    roles: [network, cache, monitoring, client]
    client_hosts: "{{ query('inventory_hostnames', 'app') }}"
    discover: true
"""

RETURN = r"""
model:
  description:
    - The resolved inputs. It holds no secret. Every key is listed here; a unit test fails when the action returns a
      key this does not document, or documents one it never returns.
  returned: success
  type: dict
  contains:
    prefix:
      description: C(cache_name_prefix).
      returned: always
      type: str
    port:
      description: The Redis port of the security group rule and of the replication groups.
      returned: always
      type: int
    region:
      description: The AWS region (C(region), else C(aws_region)).
      returned: always
      type: str
    instances:
      description:
        - One spec per instance of C(cache_instances), in its order, C(cache_defaults) merged under it; every option
          of C(cache_defaults) is a key, and C(name), and the instance's own options when set. No token.
        - The keys below are the ones the collection adds.
      returned: always
      type: list
      elements: dict
      contains:
        purpose:
          description: main, queue or pubsub (main when not set).
          type: str
        replication_group_id:
          description: C(<prefix>-<name>), lower case.
          type: str
        parameter_group:
          description:
            - The instance's cache parameter group, C(<replication group id>-<family>) (C(funmagic-main-valkey8),
              C(funmagic-main-redis6) for redis6.x).
            - With I(describe) and the cache role, a group that exists keeps the collection's parameter group it uses
              (named, before, after the replication group id alone) while its family stays.
          type: str
        engine_change:
          description:
            - With I(describe) and the cache role, for a group that exists on another engine or version, a dict with
              C(from), C(to) (C(redis 7.1), C(valkey 8.0)), C(parameter_group_from), C(parameter_group_to) and C(aws)
              (what AWS does, in words); else null.
          returned: with I(describe) and the cache role checked
          type: dict
        node_type_change:
          description:
            - With I(describe) and the cache role, for a group that exists with another node type, a dict with
              C(from), C(to), C(direction) (C(up), C(down), or C(change) for a node type of unknown size),
              C(used_bytes) (BytesUsedForCache, read for a scale down, else null) and C(aws); else null.
          returned: with I(describe) and the cache role checked
          type: dict
        description:
          description: The replication group's description.
          type: str
        parameters:
          description: The parameters, with the purpose's (queue C(maxmemory-policy=noeviction)) and C(cluster-enabled).
          type: dict
        tags:
          description: C(cache_tags), the instance's tags, and C(Purpose).
          type: dict
        auth:
          description: Whether C(cache_auth_tokens) has a token for the instance (the token itself is never returned).
          type: bool
        family:
          description:
            - The parameter group family of the engine version (redis7, redis6.x, valkey8, ...); null for a serverless
              instance, whose I(parameter_group) is null too.
          type: str
        kind:
          description:
            - C(node) (a replication group) or C(serverless) (an ElastiCache Serverless cache named
              I(replication_group_id), reached as a cluster, so I(cluster_mode) is true; its node options are null).
          type: str
        major_engine_version:
          description: The major version of I(engine_version), which a serverless cache runs.
          returned: for a serverless instance
          type: str
        daily_snapshot_time:
          description: The start of I(snapshot_window), the serverless cache's daily snapshot time (HH:MM UTC).
          returned: for a serverless instance
          type: str
        user_group_id:
          description: The serverless cache's user group, the instance's RBAC user group (its I(replication_group_id)).
          returned: for a serverless instance
          type: str
        log_delivery_configurations:
          description: The log deliveries to CloudWatch Logs, one per log type that is on.
          type: list
          elements: dict
        user_group_ids:
          description: C([<replication group id>]), its user group, with C(access=rbac); null (unmanaged) with C(token).
          type: list
          elements: str
        auth_strategy:
          description: C(rotate) for a group that exists without a token while the inventory has one.
          returned: with I(describe), the cache role checked, and such a group
          type: str
        snapshot_arns_to_restore:
          description:
            - The snapshot a move's target is made from (playbooks/move_kind.yml's C(move_snapshot_arn)), for
              M(funmagic.elasticache.serverless_cache).
          returned: with I(describe), a C(move_instance) and C(move_snapshot_arn), for the target while it is missing
          type: list
          elements: str
    tokens_defined:
      description: The instances that have a token in C(cache_auth_tokens) (names only).
      returned: always
      type: list
      elements: str
    next_tokens_defined:
      description: The instances that have a new token in C(cache_auth_tokens_next) (names only).
      returned: always
      type: list
      elements: str
    named:
      description: The AWS objects the inputs name, which I(discover) looks up read-only before anything changes.
      returned: always
      type: dict
      contains:
        sns_topic_arns:
          description: C(monitoring_alarm_actions) and C(cache_notification_topic_arn).
          type: list
          elements: str
        snapshot_names:
          description: The snapshots of C(restore_from_snapshot).
          type: list
          elements: str
        cache_cluster_ids:
          description: The cache clusters of C(primary_cluster_id).
          type: list
          elements: str
        kms_key_ids:
          description: The KMS key of C(cache_kms_key), when it is an ARN (it must exist and be enabled).
          type: list
          elements: str
    cache:
      description: The cache role's settings for every instance.
      returned: always
      type: dict
      contains:
        apply_immediately:
          description: C(cache_apply_immediately).
          type: bool
        notification_topic_arn:
          description: C(cache_notification_topic_arn).
          type: str
        wait_timeout:
          description: C(cache_wait_timeout), seconds.
          type: int
        wait_delay:
          description: C(cache_wait_delay), seconds.
          type: int
        tags:
          description: C(cache_tags).
          type: dict
        log_retention_days:
          description: The retention of the log groups, days.
          type: int
        kms_key:
          description:
            - C(cache_kms_key) resolved, a dict with C(mode) (C(none), C(create) or C(arn)), C(arn) (the given key's,
              else null) and C(alias) (C(alias/<prefix>-elasticache), of the key the collection makes with C(create)).
          type: dict
        secrets:
          description: C(cache_secrets), where the tokens and passwords live (C(vault) or C(secretsmanager)).
          type: str
    parameter_groups:
      description: Every instance's parameter group, for M(funmagic.elasticache.parameter_group)'s I(parameter_groups).
      returned: always
      type: list
      elements: dict
      contains:
        name:
          description: The group's name.
          type: str
        family:
          description: Its family.
          type: str
        parameters:
          description: Its parameters.
          type: dict
        copy_from:
          description: The group whose values it starts from (engine or major version change), when there is one.
          type: str
        description:
          description: Its description.
          type: str
        tags:
          description: Its tags.
          type: dict
    parameter_groups_retired:
      description:
        - The collection's parameter groups that no instance uses any more (the old family's after an engine or major
          version change), for M(funmagic.elasticache.parameter_group)'s I(absent), once the groups are available.
      returned: with I(describe) and the cache role checked
      type: list
      elements: str
    changes:
      description: One line per in-place engine, version or node type change, with what AWS does.
      returned: with I(describe) and the cache role checked
      type: list
      elements: str
    log_groups:
      description: The CloudWatch Logs log groups of the log deliveries, for M(funmagic.elasticache.log_groups).
      returned: always
      type: list
      elements: dict
      contains:
        name:
          description: The log group's name, C(/elasticache/<replication group id>/<log type>).
          type: str
        retention_days:
          description: Its retention, days.
          type: int
    network:
      description: The network role's names; with I(discover), what was found in AWS too.
      returned: always
      type: dict
      contains:
        vpc_id:
          description: C(network_vpc_id) (empty for the default VPC); with I(discover), the VPC found.
          type: str
        subnet_ids:
          description: C(network_subnet_ids); with I(discover), the subnets chosen.
          type: list
          elements: str
        app_security_group:
          description: The application's EC2 security group name.
          type: str
        redis_security_group:
          description: The Redis security group name.
          type: str
        subnet_group:
          description: The cache subnet group name.
          type: str
        tags:
          description: C(network_tags).
          type: dict
        regions:
          description:
            - The network of each secondary Region of the global datastores (cache_instances[].global.regions), by
              Region, the same keys as this one but regions; vpc_id and subnet_ids from I(network_regions).
          type: dict
        availability_zones:
          description: The availability zones of the chosen subnets.
          returned: with I(discover)
          type: list
          elements: str
        app_security_group_id:
          description: The application security group's id.
          returned: with I(discover)
          type: str
        ingress:
          description: The Redis security group's inbound rules, each C(port), C(group_id) (the application security
            group) and C(description), as M(funmagic.elasticache.security_group) takes them in I(ingress); I(port),
            and 6380 (a serverless cache's reader endpoint) when an instance has kind serverless.
          returned: with I(discover)
          type: list
          elements: dict
        redis_security_group_id:
          description: The Redis security group's id, or null while it does not exist.
          returned: with I(discover)
          type: str
    monitoring:
      description: The alarm settings.
      returned: when I(roles) has monitoring
      type: dict
      contains:
        enabled:
          description: C(monitoring_enabled).
          type: bool
        prefix:
          description: C(monitoring_alarm_prefix).
          type: str
        actions:
          description: C(monitoring_alarm_actions), SNS topic ARNs.
          type: list
          elements: str
        connections_limit:
          description: C(monitoring_connections_limit).
          type: int
        evictions_limit:
          description: C(monitoring_evictions_limit).
          type: int
        replication_lag_seconds:
          description: C(monitoring_replication_lag_seconds).
          type: int
        period:
          description: C(monitoring_period), seconds.
          type: int
        evaluation_periods:
          description: C(monitoring_evaluation_periods).
          type: int
    alarm_purge:
      description: Which existing alarms are the collection's own, for M(funmagic.elasticache.metric_alarms)' I(purge).
      returned: when I(roles) has monitoring
      type: dict
      contains:
        prefix:
          description: The prefix the collection's alarm names share.
          type: str
        pattern:
          description: The regular expression of the collection's alarm names.
          type: str
    destroy:
      description: The destroy role's settings.
      returned: when I(roles) has destroy
      type: dict
      contains:
        skip_final_snapshot:
          description: C(destroy_skip_final_snapshot).
          type: bool
        user_groups:
          description: The user groups of the instances with C(access=rbac), as C({user_group_id}).
          type: list
          elements: dict
        user_purge:
          description: The pattern of their users' ids (empty when there is none).
          type: str
        parameter_groups:
          description:
            - Every name the collection may have given the instances' parameter groups (the replication group id, and
              C(<replication group id>-<family>) for each family), for M(funmagic.elasticache.parameter_group)'s
              I(absent).
          type: list
          elements: str
        global_datastores:
          description:
            - The suffix (the primary's replication group id) of each global datastore the instances have, taken apart
              first (M(funmagic.elasticache.global_replication_group) I(state=absent)).
          type: list
          elements: str
        global_members:
          description: The group of each secondary Region, as C({region, replication_group_id}), deleted there.
          type: list
          elements: dict
        regions:
          description: The secondary Regions, whose subnet group and Redis security group are deleted too.
          type: list
          elements: str
    compliance:
      description: The compliance report's settings, checked.
      returned: when I(roles) has compliance
      type: dict
      contains:
        accepted_exceptions:
          description:
            - C(compliance_accepted_exceptions), each with C(control) (a control id), C(instance) (a name in
              C(cache_instances), or null for every instance) and C(reason).
          type: list
          elements: dict
        min_snapshot_retention:
          description: C(compliance_min_snapshot_retention), days.
          type: int
    failover_drill:
      description: The failover drill's settings, checked.
      returned: when I(roles) has failover_drill
      type: dict
      contains:
        instance:
          description: C(failover_drill_instance), a name in C(cache_instances).
          type: str
        probe_host:
          description: The inventory host that probes (C(failover_drill_host), or the first host of that group).
          type: str
        interval:
          description: C(failover_drill_interval), seconds.
          type: float
        probe_seconds:
          description: C(failover_drill_probe_seconds).
          type: int
        settle_seconds:
          description: C(failover_drill_settle_seconds).
          type: int
        max_outage_seconds:
          description: C(failover_drill_max_outage_seconds).
          type: float
        wait_delay:
          description: C(failover_drill_wait_delay), seconds.
          type: int
        ca_file:
          description: C(failover_drill_ca_file); empty for the probe host's trust store.
          type: str
        region:
          description:
            - C(failover_drill_region), checked to be a Region of the instance's global datastore; empty for a
              failover within the Region.
          type: str
    users:
      description:
        - The ElastiCache users of the instances with C(access=rbac) (no password), for M(funmagic.elasticache.users),
          one per worker of every host's C(client_workers) and instance it uses, and each user group's C(default) user.
      returned: when I(roles) has client
      type: list
      elements: dict
      contains:
        user_id:
          description: C(<replication group id>-<worker>), or C(<replication group id>-default).
          type: str
        user_name:
          description: The worker's name, or C(default).
          type: str
        engine:
          description: The instance's engine.
          type: str
        access_string:
          description:
            - What the user may do, derived from what the worker does there (or the worker's C(access_strings)).
            - The C(default) user's is C(off -@all), or full access while the instance still has an AUTH token
              (its password is then the token, so clients that send it keep working during the move to RBAC).
          type: str
        instance:
          description: The instance name.
          type: str
        worker:
          description: The worker's name; null for the default user.
          type: str
        user_group_id:
          description: The user group the user belongs to.
          type: str
        key_patterns:
          description: The key patterns the user reaches.
          type: list
          elements: str
        channels:
          description: The pub/sub channel patterns the user reaches.
          type: list
          elements: str
        default:
          description: Whether this is the user group's C(default) user.
          type: bool
        no_password:
          description: Whether the user has no password (the default user when it is off).
          type: bool
    user_purge:
      description: The pattern of the ids of the managed user groups' users, to delete those whose worker is gone.
      returned: when I(roles) has client
      type: str
    secrets:
      description:
        - Where the tokens and passwords live, and with C(cache_secrets=secretsmanager) each secret to generate, for
          M(funmagic.elasticache.generated_secrets) (names and descriptions, never a value).
      returned: when I(roles) has client
      type: dict
      contains:
        source:
          description: C(vault) or C(secretsmanager).
          type: str
        secrets:
          description: The secrets (C(name), C(description)); empty with C(vault).
          type: list
          elements: dict
    user_groups:
      description: One user group per instance with C(access=rbac), for M(funmagic.elasticache.user_groups).
      returned: when I(roles) has client
      type: list
      elements: dict
      contains:
        user_group_id:
          description: The instance's replication group id.
          type: str
        engine:
          description: The instance's engine.
          type: str
        instance:
          description: The instance name.
          type: str
        user_ids:
          description: Its users, the C(default) one included.
          type: list
          elements: str
    rollout_batch:
      description:
        - The hosts a day-2 move (C(playbooks/rotate_auth.yml), the TLS move of C(playbooks/redis.yml)) takes at a
          time, as its plays' C(serial) list, the last item repeating. C(redis_batch_size) (an extra variable) over
          C(cache_rollout_batch) (the inventory); neither set, C([1, "25%"]) (one host, then a quarter of them).
        - The preflight (I(remember=true)) also keeps it in the run's memo as C(rollout_batch), which those plays read
          (C(serial) sees no inventory variable, only the facts of a host a play ran on).
      returned: when I(roles) has client
      type: list
      elements: raw
      sample: [1, "25%"]
    clients:
      description: Application host name to its client settings; each value has the keys below.
      returned: when I(roles) has client
      type: dict
      contains:
        workers:
          description:
            - The workers, each with its env file, mode, service, queue prefix and instances by purpose.
            - With RBAC, C(users) (instance name to the worker's user name there) and C(refused_keys) (instance name
              to a key of another worker there, on which the worker's user must be refused).
          type: list
          elements: dict
        env_dir:
          description: C(client_env_dir).
          type: str
        owner:
          description: C(client_env_owner).
          type: str
        group:
          description: C(client_env_group).
          type: str
        mode:
          description: C(client_env_mode) as an octal string.
          type: str
        ca_bundle:
          description: C(client_ca_bundle).
          type: str
        ping_timeout:
          description: C(client_ping_timeout), seconds.
          type: float
        require_hosts_entries:
          description: C(client_require_hosts_entries).
          type: bool
        region:
          description:
            - The host's AWS Region - C(client_region), else its C(placement.region) (C(amazon.aws.aws_ec2)
              inventory), else C(aws_region).
          type: str
          version_added: 0.3.0
        connections:
          description:
            - The connection facts this host uses (plugin_utils/derived.py C(host_connections)), as I(connections)
              gives them, with I(describe). For a global datastore's instance seen from a secondary Region, they add
              C(local_region), C(local_endpoint) and C(local_port) (that Region's read-only member) and their
              C(reader_endpoint) and C(reader_port) are that member's; C(no_member) is true when the host's Region
              has no member (the primary's endpoints are used).
          type: dict
          version_added: 0.3.0
    describe_key:
      description: What identifies the description (region, endpoint, profile, ids), for I(reuse).
      returned: with I(describe)
      type: str
    missing:
      description:
        - The replication group ids of the instances that do not exist yet, and the names of the serverless caches
          (C(kind=serverless)) that do not.
      returned: with I(describe)
      type: list
      elements: str
    move:
      description:
        - With the play variable C(move_instance) (playbooks/move_kind.yml), the move of that node-based instance to
          the serverless instance that names it in C(moved_from) (plugin_utils/kind_move.py C(plan)); bad input is
          refused naming the field.
      returned: with I(describe) and C(move_instance)
      type: dict
      contains:
        source:
          description: The replication group id of C(move_instance).
          type: str
        target:
          description: The name of the instance with C(moved_from) naming it.
          type: str
        cache:
          description: The serverless cache's name (the target's replication group id).
          type: str
        snapshot:
          description: The name of the manual snapshot the cache is restored from, C(<source>-to-serverless).
          type: str
        done:
          description: The serverless cache exists already (no snapshot, no restore; the hosts' move still converges).
          type: bool
        warnings:
          description:
            - For each worker whose QUEUE_PREFIX becomes a hash tag on the serverless cache (plugin_utils/kind_move.py
              C(prefix_warnings)), the jobs waiting under the old prefix that no worker will see; empty when the
              run's roles have no client. Also returned as the task's warnings.
          type: list
          elements: str
    rbac_moves:
      description:
        - The instances whose hosts move from the AUTH token to their own users in this run (plugin_utils/rbac.py
          C(moves)), in the order of C(cache_instances) - the inventory asks for C(access=rbac) and the group exists
          without a user group (the cache role adds it, its default user holding the token meanwhile).
        - playbooks/configure_hosts.yml then moves the hosts C(cache_rollout_batch) at a time, each batch proving PONG.
      returned: with I(describe)
      type: list
      elements: dict
      contains:
        name:
          description: The instance's name.
          type: str
        replication_group_id:
          description: Its replication group.
          type: str
    tls_moves:
      description:
        - The instances whose clients move to TLS (plugin_utils/tls_move.py), in the order of C(cache_instances) -
          the inventory asks for I(transit_encryption) and the group runs without TLS (the cache role turns
          C(TransitEncryptionMode) C(preferred) on) or in C(preferred) (a move not finished yet).
        - playbooks/redis.yml moves the hosts to C(rediss://) batch by batch, then sets C(required).
      returned: with I(describe)
      type: list
      elements: dict
      contains:
        name:
          description: The instance's name.
          type: str
        replication_group_id:
          description: Its replication group.
          type: str
    connections:
      description: Instance name to its connection facts (no secret); each value has the keys below.
      returned: with I(describe)
      type: dict
      contains:
        purpose:
          description: The instance's purpose.
          type: str
        replication_group_id:
          description: Its replication group (the serverless cache's name for C(kind=serverless)).
          type: str
        kind:
          description: C(node) or C(serverless).
          type: str
          version_added: 0.3.0
        endpoint:
          description:
            - The primary endpoint, or the configuration endpoint in cluster mode; a serverless cache's endpoint.
          type: str
        port:
          description: The endpoint's port.
          type: int
        reader_endpoint:
          description: The reader endpoint, when there is one.
          type: str
        reader_port:
          description: The reader endpoint's port (a serverless cache's is its own, 6380 on AWS); null without one.
          type: int
          version_added: 0.3.0
        tls:
          description: Whether the group encrypts in transit.
          type: bool
        auth:
          description: Whether a token is used.
          type: bool
        access:
          description: C(token) or C(rbac) (each worker connects with its own user).
          type: str
        cluster:
          description: Whether cluster mode is on.
          type: bool
        order:
          description: The instance's place in C(cache_instances).
          type: int
        url_redacted:
          description: The Redis URL with the token masked.
          type: str
        regions:
          description:
            - An instance with C(global.regions) - Region to its member's C(endpoint), C(port), C(reader_endpoint),
              C(reader_port) and C(role) (C(PRIMARY) or C(SECONDARY), as each Region's DescribeReplicationGroups
              gives it in C(GlobalReplicationGroupInfo)). Its I(endpoint) and I(reader_endpoint) are then the
              primary member's, whichever Region that is now.
          type: dict
          returned: for an instance with a global datastore
          version_added: 0.3.0
        primary_region:
          description: The Region of the member that takes writes (C(regions) with role C(PRIMARY)).
          type: str
          returned: for an instance with a global datastore
          version_added: 0.3.0
    alarms:
      description:
        - The CloudWatch alarms of every node of the instances that exist, for M(funmagic.elasticache.metric_alarms).
        - And those of every serverless cache (C(kind=serverless)), named C(<alarm prefix><cache name>-<check>), checks
          C(ecpu), C(data-storage) (only when the usage limit has a maximum), C(throttled-commands), C(connections).
      returned: with I(describe)
      type: list
      elements: dict
      contains:
        name:
          description: C(<alarm prefix><node>-<check>).
          type: str
        metric:
          description: The ElastiCache metric.
          type: str
        comparison:
          description: The comparison operator.
          type: str
        threshold:
          description: The threshold.
          type: float
        statistic:
          description: The statistic.
          type: str
        period:
          description: Seconds.
          type: int
        evaluation_periods:
          description: Periods.
          type: int
        dimensions:
          description: CacheClusterId and CacheNodeId; C(clusterId) (the cache's name) for a serverless cache.
          type: dict
        description:
          description: The alarm's description.
          type: str
        actions:
          description: SNS topic ARNs.
          type: list
          elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.inputs_options import ARGUMENT_SPEC


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="funmagic.elasticache.inputs runs on the controller as an action plugin; "
                         "call it as a task, not as a module")


if __name__ == "__main__":
    main()
