"""The input rules: every input checked at once, each problem naming its variable path; no secret returned."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError
from tests.unit.plugins.plugin_utils.models import TOKEN, check, errors_of


def test_the_prefix_funmagic_gives_the_runbook_names_and_one_port():
    model = check()
    assert model["network"]["redis_security_group"] == "funmagic-redis-sg"
    assert model["network"]["subnet_group"] == "funmagic-redis-subnet"
    assert model["network"]["app_security_group"] == "funmagic-ec2-sg"
    assert model["port"] == 6379
    assert [s["replication_group_id"] for s in model["instances"]] == ["funmagic-main"]


def test_another_prefix_drives_every_default_name():
    model = check(roles=["network", "cache"], cache_name_prefix="shop",
                  cache_instances=[{"name": "queue", "purpose": "queue"}])
    assert model["network"]["redis_security_group"] == "shop-redis-sg"
    assert model["network"]["subnet_group"] == "shop-redis-subnet"
    assert model["instances"][0]["replication_group_id"] == "shop-queue"
    assert model["instances"][0]["parameter_group"] == "shop-queue-redis7"


def test_cache_defaults_are_merged_over_the_role_defaults():
    model = check(cache_defaults={"replicas": 1}, cache_instances=[{"name": "main"}, {"name": "q", "purpose": "queue",
                                                                                      "node_type": "cache.t3.small"}])
    main, queue = model["instances"]
    assert main["replicas"] == 1 and main["node_type"] == "cache.t3.micro" and main["transit_encryption"] is True
    assert queue["node_type"] == "cache.t3.small"
    assert queue["parameters"] == {"maxmemory-policy": "noeviction"} and main["parameters"] == {}


def test_the_model_holds_no_token():
    model = check(cache_auth_tokens={"main": TOKEN})
    assert TOKEN not in repr(model)
    assert model["instances"][0]["auth"] is True


def test_every_problem_is_reported_at_once_with_its_path():
    errors = errors_of(cache_instances=[{"name": "main"}, {"name": "queue", "purpose": "queue", "replicas": 7}],
                       client_env_mode="0644", network_vpc_id="vpc-nope")
    assert "cache_instances[1] (queue).replicas: must be between 0 and 5, got 7." in errors
    assert any(e.startswith("host app1: client_env_mode: 0644 lets every user") for e in errors)
    assert any(e.startswith("network_vpc_id: 'vpc-nope' is not a VPC id") for e in errors)


def test_a_node_type_typo_gets_a_suggestion_and_newer_types_have_an_escape_hatch():
    errors = errors_of(cache_defaults={"node_type": "cache.t3.mirco"})
    assert errors == ["cache_instances[0] (main).node_type: 'cache.t3.mirco' is not an ElastiCache node type this "
                      "collection knows (did you mean cache.t3.micro?). If it is newer than the catalog, set "
                      "cache_allow_unknown_node_types: true."]
    assert check(cache_defaults={"node_type": "cache.r8g.large"}, cache_allow_unknown_node_types=True)
    assert errors_of(cache_defaults={"node_type": "bogus"}, cache_allow_unknown_node_types=True)


@pytest.mark.parametrize("overrides, expected", [
    ({"cache_instances": [{"name": "main", "replicas": "seven"}]}, "cache_instances[0] (main).replicas: must be a whole"),
    ({"cache_instances": [{"name": "main", "node_typ": "cache.t3.micro"}]},
     "cache_instances[0] (main): unknown key 'node_typ' (did you mean node_type?)"),
    ({"cache_defaults": {"replica": 1}}, "cache_defaults: unknown key 'replica' (did you mean replicas?)"),
    ({"cache_defaults": {"auth_token": TOKEN}}, "cache_defaults: 'auth_token' was removed in 0.2.0; move the token to "
                                                "cache_auth_tokens"),
    ({"cache_instances": [{"name": "main", "auth_token": TOKEN}]},
     "cache_instances[0] (main): 'auth_token' was removed in 0.2.0; move the token to cache_auth_tokens.<instance"),
    ({"cache_instances": [{"purpose": "main"}]}, "cache_instances[0].name: is required"),
    ({"cache_instances": [{"name": "main", "purpose": "queues"}]},
     "cache_instances[0] (main).purpose: must be one of main, queue, pubsub, got 'queues' (did you mean queue?)"),
    ({"cache_instances": [{"name": "a"}, {"name": "a"}]}, "cache_instances[1] (a).name: 'a' is used twice"),
    ({"cache_instances": []}, "cache_instances: define at least one instance"),
    ({"cache_defaults": {"snapshot_window": "05:00-06:00", "maintenance_window": "sun:05:30-sun:06:30"}},
     "cache_instances[0] (main): snapshot_window '05:00-06:00' overlaps maintenance_window"),
    ({"cache_defaults": {"engine_version": "5.0"}}, "cache_instances[0] (main).engine_version: engine redis 5.0"),
    ({"cache_defaults": {"snapshot_retention_limit": 40}}, "cache_instances[0] (main).snapshot_retention_limit"),
    ({"cache_name_prefix": "Bad--prefix"}, "cache_name_prefix: 'Bad--prefix' is not valid"),
    ({"cache_port": 80}, "cache_port: must be between 1024 and 65535, got 80"),
    ({"cache_auth_tokens": {"mian": TOKEN}}, "cache_auth_tokens.mian: there is no instance named 'mian' (did you mean main?)"),
    ({"cache_auth_tokens": {"main": TOKEN}, "cache_defaults": {"transit_encryption": False}},
     "cache_instances[0] (main).transit_encryption: is false, but cache_auth_tokens.main is set"),
    ({"cache_production": True}, "cache_instances[0] (main): no auth token in a production inventory"),
    ({"cache_production_accepted_risks": ["no_tls"]}, "cache_production_accepted_risks[0]: must be one of"),
    ({"network_subnet_ids": ["sub-1"]}, "network_subnet_ids[0]: 'sub-1' is not a subnet id"),
    ({"monitoring_alarm_actions": ["topic"]}, "monitoring_alarm_actions[0]: 'topic' is not an SNS topic ARN"),
    ({"monitoring_period": 45}, "monitoring_period: CloudWatch takes 10, 30 or a multiple of 60 seconds, got 45"),
    ({"cache_wait_delay": 0}, "cache_wait_delay: must be greater than 0, got 0"),
    ({"cache_defaults": {"data_tiering": True}}, "cache_instances[0] (main).data_tiering: needs an r6gd node type"),
    ({"cache_instances": [{"name": "main", "node_type": "cache.r6gd.xlarge", "data_tiering": False}]},
     "cache_instances[0] (main).data_tiering: r6gd node types (cache.r6gd.xlarge) only run with data tiering"),
    ({"cache_defaults": {"network_type": "dual_stack", "engine_version": "6.0"}},
     "cache_instances[0] (main).network_type: dual_stack needs Redis OSS 6.2"),
    ({"cache_defaults": {"ip_discovery": "ipv6"}}, "cache_instances[0] (main).ip_discovery: ipv6 needs network_type"),
    ({"cache_defaults": {"network_type": "dualstack"}}, "cache_defaults.network_type: must be one of"),
    ({"cache_instances": [{"name": "main", "replicas": 1, "preferred_azs": ["us-east-1a"]}]},
     "cache_instances[0] (main).preferred_azs: lists 1 zone(s) for 2 node(s)"),
])
def test_bad_input_names_the_variable(overrides, expected):
    errors = errors_of(**overrides)
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize("hosts, expected", [
    ({"client_env_mode": 0o644}, "host app1: client_env_mode: 0644 lets every user on the host read"),
    ({"client_env_mode": "rw-r--r--"}, "host app1: client_env_mode: 'rw-r--r--' is not an octal mode"),
    ({"client_workers": [{"name": "web", "env_mode": "0604"}]}, "host app1: client_workers[0] (web).env_mode: 0604"),
    ({"client_workers": [{"name": "web", "env_file": "/tmp/web.env"}]},
     "host app1: client_workers[0] (web).env_file: '/tmp/web.env' is in a directory every user can write to"),
    ({"client_workers": [{"name": "web", "env_file": "web.env"}]}, "host app1: client_workers[0] (web).env_file: 'web.env' must be an absolute path"),
    ({"client_workers": [{"name": "web", "queue_prefx": "a"}]},
     "host app1: client_workers[0] (web): unknown key 'queue_prefx' (did you mean queue_prefix?)"),
    ({"client_workers": [{"name": "web", "instances": {"queue": "queue-admin"}}]},
     "host app1: client_workers[0] (web).instances.queue: there is no instance named 'queue-admin'"),
    ({"client_workers": [{"name": "web", "instances": {"queues": "main"}}]},
     "host app1: client_workers[0] (web).instances: unknown purpose 'queues' (did you mean queue?)"),
    ({"client_workers": []}, "host app1: client_workers: define at least one worker"),
    ({"client_env_dir": "etc/funmagic"}, "host app1: client_env_dir: 'etc/funmagic' must be an absolute path"),
    ({"client_region": "us-west"}, "host app1: client_region: 'us-west' is not an AWS Region name (such as us-west-2)"),
    ({"client_workers": [{"name": "web", "global_writes": "secondary"}]},
     "host app1: client_workers[0] (web).global_writes: must be one of primary, local, got 'secondary'"),
])
def test_bad_client_input_names_the_host_and_variable(hosts, expected):
    errors = errors_of(hosts=hosts)
    assert any(e.startswith(expected) for e in errors), errors


def test_a_bad_token_is_refused_without_being_shown():
    for bad in ("short", "has/slash-0123456789", "has space 0123456789"):
        errors = errors_of(cache_auth_tokens={"main": bad})
        assert errors and all(bad not in e for e in errors)
    errors = errors_of(cache_auth_tokens=TOKEN)  # a token where the map belongs
    assert errors and all(TOKEN not in e for e in errors)


def test_production_refuses_each_risk_unless_accepted():
    production = dict(cache_production=True, cache_defaults={"transit_encryption": False})
    assert len(errors_of(**production)) == 3
    assert check(cache_production_accepted_risks=["no_transit_encryption", "no_auth_token", "no_replica"],
                 **production)
    assert check(cache_production=True, cache_defaults={"replicas": 1}, cache_auth_tokens={"main": TOKEN})


def test_client_modes_are_normalised_and_workers_resolved():
    model = check(hosts={"client_env_mode": 0o600, "client_workers": [
        {"name": "web"}, {"name": "admin", "queue_prefix": "admin", "service": "admin", "env_mode": "0640"}]})
    web, admin = model["clients"]["app1"]["workers"]
    assert model["clients"]["app1"]["mode"] == "0600"
    assert web == {"name": "web", "env_file": "/etc/funmagic/web.env", "env_mode": "0600", "service": "",
                   "queue_prefix": "", "instances": {}}
    assert admin["env_mode"] == "0640" and admin["service"] == "admin"


def test_destroy_needs_the_prefix_as_confirmation():
    assert errors_of(roles=["destroy"]) == ["destroy_confirm: this deletes every funmagic-* cache; confirm with "
                                            "-e destroy_confirm=funmagic"]
    assert check(roles=["destroy"], destroy_confirm="funmagic")["destroy"] == {
        "skip_final_snapshot": False, "user_groups": [], "user_purge": "",
        # every name its parameter groups may have: by family, and the replication group id of stacks made before
        "parameter_groups": ["funmagic-main", "funmagic-main-redis6", "funmagic-main-redis7", "funmagic-main-valkey7",
                             "funmagic-main-valkey8"],
        "global_datastores": [], "global_members": [], "regions": []}


def test_data_comes_from_one_source_only():
    errors = errors_of(cache_instances=[{"name": "main", "restore_from_snapshot": "s1", "primary_cluster_id": "c1",
                                         "at_rest_encryption": False}])
    assert errors == ["cache_instances[0] (main): restore_from_snapshot and primary_cluster_id both say where the data "
                      "comes from; choose one"]
    adopted = [{"name": "main", "primary_cluster_id": "app-node", "at_rest_encryption": False}]
    assert check(cache_instances=adopted)["instances"][0]["primary_cluster_id"] == "app-node"
    assert errors_of(cache_instances=[{"name": "main", "primary_cluster_id": "app-node"}])[0].startswith(
        "cache_instances[0] (main).at_rest_encryption: a group made around cache cluster app-node takes")


def test_cluster_mode_gets_cluster_enabled_and_its_limits_are_checked():
    model = check(roles=["cache"], cache_instances=[{"name": "queue", "purpose": "queue", "cluster_mode": True,
                                                     "shards": 2, "replicas": 1}])
    spec = model["instances"][0]
    assert spec["parameters"] == {"maxmemory-policy": "noeviction", "cluster-enabled": "yes"}
    assert (spec["cluster_mode"], spec["shards"]) == (True, 2)
    assert errors_of(cache_instances=[{"name": "main", "shards": 3}]) == [
        "cache_instances[0] (main).shards: 3 shards need cluster_mode: true"]
    assert errors_of(cache_instances=[{"name": "main", "cluster_mode": True, "shards": 0}]) == [
        "cache_instances[0] (main).shards: must be between 1 and 500, got 0"]
    assert errors_of(cache_instances=[{"name": "main", "cluster_mode": True, "shards": 200, "replicas": 2}])[0] \
        .endswith("are 600 nodes; ElastiCache allows 500 in one cluster")


def test_the_event_topic_must_be_an_sns_arn_and_only_well_formed_names_are_looked_up():
    assert errors_of(cache_notification_topic_arn="ops-events")[0].startswith(
        "cache_notification_topic_arn: 'ops-events' is not an SNS topic ARN")
    assert check(monitoring_alarm_actions=["arn:aws:sns:us-east-1:123456789012:b", "arn:aws:sns:us-east-1:123456789012:a"],
                 roles=["network"])["named"]["sns_topic_arns"] == [
        "arn:aws:sns:us-east-1:123456789012:a", "arn:aws:sns:us-east-1:123456789012:b"]


def test_a_removed_variable_is_refused_naming_what_to_do_instead():
    errors = errors_of(removed=["network_redis_port", "client_instances"])
    assert errors == [
        "client_instances: was removed in 0.2.0; remove it: the client role takes the instances from cache_instances "
        "and the endpoints from AWS",
        "network_redis_port: was removed in 0.2.0; set cache_port: one port for the security group rule and the "
        "replication groups"]


INVENTORY = {"hosts": ["app1", "app2", "localhost"], "groups": {"app": ["app1", "app2"], "empty": []}}


def drill(**settings):
    return check(roles=["cache", "failover_drill"], _inventory=INVENTORY,
                 **dict({"failover_drill_instance": "main"}, **settings))


def test_the_failover_drill_resolves_its_probe_host_and_checks_its_numbers():
    assert drill()["failover_drill"] == {
        "instance": "main", "probe_host": "app1", "interval": 0.1, "probe_seconds": 900, "settle_seconds": 5,
        "max_outage_seconds": 120, "wait_delay": 5, "ca_file": "", "region": ""}
    assert drill(failover_drill_host="app2")["failover_drill"]["probe_host"] == "app2"


GLOBAL_MAIN = [{"name": "main", "node_type": "cache.r6g.large", "engine_version": "7.1", "replicas": 1,
                "global": {"regions": ["us-west-2"]}}]


def test_a_cross_region_drill_names_a_region_of_the_instances_global_datastore():
    assert drill(cache_instances=GLOBAL_MAIN, failover_drill_region="us-west-2")["failover_drill"]["region"] == \
        "us-west-2"
    assert drill(cache_instances=GLOBAL_MAIN, failover_drill_region="us-east-1")["failover_drill"]["region"] == \
        "us-east-1"  # the failback
    with pytest.raises(InputError) as caught:
        drill(cache_instances=GLOBAL_MAIN, failover_drill_region="eu-west-1")
    assert caught.value.errors == ["failover_drill_region: 'eu-west-1' is not a Region of instance main's global "
                                   "datastore; choose one of us-east-1, us-west-2"]
    with pytest.raises(InputError) as caught:
        drill(failover_drill_region="us-west-2")
    assert caught.value.errors == ["failover_drill_region: instance main has no global datastore "
                                   "(cache_instances[].global), so there is no other Region to promote; leave "
                                   "failover_drill_region empty for a failover within us-east-1"]


@pytest.mark.parametrize("settings, expected", [
    ({"failover_drill_instance": None}, ["failover_drill_instance: is required; set it to the name of the instance to "
                                         "drill, one of main (-e failover_drill_instance=NAME)"]),
    ({"failover_drill_instance": "mian"}, ["failover_drill_instance: 'mian' is not in cache_instances (did you mean "
                                           "main?); set it to the name of the instance to drill, one of main"]),
    ({"failover_drill_host": "empty"}, ["failover_drill_host: 'empty' is neither a host nor a group with hosts in the "
                                        "inventory; set it to the application host that probes, or a group whose "
                                        "first host does"]),
    ({"failover_drill_interval": 0, "failover_drill_wait_delay": -1},
     ["failover_drill_interval: must be greater than 0, got 0", "failover_drill_wait_delay: must be greater than 0, "
                                                                "got -1"]),
    ({"failover_drill_max_outage_seconds": 0.05},
     ["failover_drill_max_outage_seconds: must be longer than failover_drill_interval (0.1 s: a shorter outage falls "
      "between two PINGs) and shorter than failover_drill_probe_seconds (900 s: the probe stops before a longer one "
      "ends), got 0.05"]),
    ({"failover_drill_probe_seconds": 60}, ["failover_drill_max_outage_seconds: must be longer than"]),
])
def test_each_drill_setting_that_cannot_work_is_refused_by_its_variable(settings, expected):
    with pytest.raises(InputError) as caught:
        drill(**settings)
    assert len(caught.value.errors) == len(expected)
    for error, start in zip(caught.value.errors, expected):
        assert error.startswith(start), caught.value.errors


def test_env_file_backups_are_zero_or_more():
    with pytest.raises(InputError) as caught:
        check(roles=["client"], hosts={"client_env_backups": -1})
    assert caught.value.errors == ["host app1: client_env_backups: must be 0 or more, got -1"]


def test_a_worker_needs_an_instance_for_every_purpose_or_a_main_one_to_fall_back_on():
    queue_only = [{"name": "queue", "purpose": "queue"}]
    with pytest.raises(InputError) as caught:
        check(roles=["client"], cache_instances=queue_only, hosts={"client_workers": [{"name": "web"}]})
    assert caught.value.errors == [
        "host app1: client_workers[0] (web).instances.main: no instance has purpose main, nor main to fall back on; "
        "map one (instances: {main: NAME}) or add an instance with purpose main",
        "host app1: client_workers[0] (web).instances.pubsub: no instance has purpose pubsub, nor main to fall back "
        "on; map one (instances: {pubsub: NAME}) or add an instance with purpose main"]
    mapped = {"name": "web", "instances": {"main": "queue", "pubsub": "queue"}}
    assert check(roles=["client"], cache_instances=queue_only, hosts={"client_workers": [mapped]})["clients"]


def test_each_purpose_has_its_documented_defaults_which_the_instance_overrides():
    model = check(cache_defaults={"snapshot_retention_limit": 7}, cache_instances=[
        {"name": "main"}, {"name": "queue", "purpose": "queue"}, {"name": "pubsub", "purpose": "pubsub"},
        {"name": "events", "purpose": "pubsub", "snapshot_retention_limit": 2}])
    by_name = dict((spec["name"], spec) for spec in model["instances"])
    assert [by_name[n]["snapshot_retention_limit"] for n in ("main", "queue", "pubsub", "events")] == [7, 7, 0, 2]
    assert by_name["queue"]["parameters"]["maxmemory-policy"] == "noeviction"
    assert "maxmemory-policy" not in by_name["pubsub"]["parameters"]


def test_the_node_options_reach_the_model_and_are_none_when_unset():
    plain = check()["instances"][0]
    assert [plain[k] for k in ("data_tiering", "network_type", "ip_discovery", "preferred_azs")] == [None] * 4
    tiered = check(cache_instances=[{"name": "main", "node_type": "cache.r6gd.xlarge", "replicas": 1,
                                     "network_type": "dual_stack", "preferred_azs": ["us-east-1a", "us-east-1b"]}])
    spec = tiered["instances"][0]
    assert (spec["network_type"], spec["preferred_azs"]) == ("dual_stack", ["us-east-1a", "us-east-1b"])
