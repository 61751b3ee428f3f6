"""An inventory whose main instance is the primary of a global datastore (cache_instances[].global.regions:
[us-west-2]), through playbooks/redis.yml with an application host in each Region (issue #22, deliverables 1 and 2).

One run makes the network in both Regions (the us-west-2 Redis security group admits the cache port from that
Region's application security group), the us-east-1 group, the global datastore around it and the us-west-2 secondary
group of the same name; a key written to the us-east-1 endpoint is read from the us-west-2 secondary's endpoint
that cache_results.global_members publishes. app1 runs in us-east-1 (aws_region); app2 in us-west-2, as the
amazon.aws.aws_ec2 inventory says it (its placement.region host variable). app2's web worker writes to the us-east-1
primary and reads its own Region's secondary; its reporter worker (global_writes: local) writes to the us-west-2
secondary, which refuses writes (READONLY), and the run warns so. PONG from each host to the endpoints it uses. A key
written through app1's env file is read on app2 through its own Region's URL. --check (before the first run and
after it) makes no mutating call; a rerun changes nothing. Then the cross-Region drill (global_failover.yml) promotes
us-west-2, moves both hosts' writers to it, and fails back.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from urllib.parse import urlsplit

import boto3
import pytest
import redis
import yaml

from tests.emulator import hosts
from tests.emulator import probes
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.test_emulator_global import _read_until
from tests.testbed.seed import seed

pytestmark = pytest.mark.chroot
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")
TOKEN = "Global&Main#Token-0123"  # & and # are percent-encoded in the env files' URLs
ENCODED = "Global%26Main%23Token-0123"


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("global"), hosts=("app1", "app2"), overrides={
        "cache_instances": [{"name": "main", "purpose": "main", "node_type": "cache.r6g.large", "replicas": 1,
                             "global": {"regions": ["us-west-2"]}}],
        "client_workers": [{"name": "web"}, {"name": "reporter", "global_writes": "local"}],
        "cache_auth_tokens": {"main": TOKEN}, "cache_log_delivery": {}},
        host_vars={"app2": {"placement": {"region": "us-west-2", "availability_zone": "us-west-2a"}}}).up()
    seed(emulator_session.endpoint, "us-west-2")
    emulator_session.call("requests", method="DELETE")
    bed.check_rc, bed.check_output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "--check", check=False)
    bed.check_mutating = emulator_session.requests(mutating_only=True)
    # redis.yml, then what a later play reads of cache_results: each secondary's result, written to a file.
    bed.members = os.path.join(bed.state, "global_members.json")
    wrapper = os.path.join(bed.state, "redis_then_read.yml")
    with open(wrapper, "w", encoding="utf-8") as handle:
        yaml.safe_dump([{"ansible.builtin.import_playbook": PLAYBOOK},
                        {"hosts": "localhost", "gather_facts": False, "tasks": [{"ansible.builtin.copy": {
                            "content": "{{ cache_results.global_members.results | to_json }}", "dest": bed.members}}]}],
                       handle)
    bed.rc, bed.first_output = run_ansible.playbook(wrapper, bed.emulator, *bed.args(), check=False)
    yield bed
    bed.down()


def _elasticache(bed, region):
    return boto3.session.Session(region_name=region).client("elasticache", endpoint_url=bed.emulator.endpoint)


def test_check_mode_before_the_first_run_shows_both_regions_and_makes_no_mutating_call(bed):
    assert bed.check_rc == 0, bed.check_output[-5000:]
    assert bed.check_mutating == []
    assert re.search(r"changed: \[localhost\] => \(item=us-west-2/funmagic-main\)", bed.check_output)
    assert re.search(r"subnet group in each secondary Region\] \**\nchanged: \[localhost\] => \(item=us-west-2\)",
                     bed.check_output)


def test_one_run_makes_the_secondary_and_a_key_written_in_the_east_is_read_in_the_west(bed):
    assert bed.rc == 0, bed.first_output[-5000:]
    assert TOKEN not in bed.first_output
    east = _elasticache(bed, "us-east-1").describe_replication_groups(ReplicationGroupId="funmagic-main")
    west = _elasticache(bed, "us-west-2").describe_replication_groups(ReplicationGroupId="funmagic-main")
    east, west = east["ReplicationGroups"][0], west["ReplicationGroups"][0]
    assert east["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"] == "PRIMARY"
    assert west["GlobalReplicationGroupInfo"] == dict(east["GlobalReplicationGroupInfo"],
                                                      GlobalReplicationGroupMemberRole="SECONDARY")
    with open(bed.members, encoding="utf-8") as handle:
        [member] = json.load(handle)
    assert (member["item"][0]["name"], member["item"][1]) == ("main", "us-west-2")
    assert member["replication_group"]["replication_group_id"] == "funmagic-main"
    west_host = member["replication_group"]["primary_endpoint"]["address"]
    assert west_host == west["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    probes.client(bed.emulator, east["NodeGroups"][0]["PrimaryEndpoint"]["Address"], TOKEN).set("order:1", "paid")
    assert _read_until(probes.client(bed.emulator, west_host, TOKEN), "order:1", b"paid")
    ec2 = boto3.session.Session(region_name="us-west-2").client("ec2", endpoint_url=bed.emulator.endpoint)
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])
    app = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-ec2-sg"]}])
    rules = group["SecurityGroups"][0]["IpPermissions"]
    assert [(r["FromPort"], [p["GroupId"] for p in r["UserIdGroupPairs"]]) for r in rules] == [
        (6379, [app["SecurityGroups"][0]["GroupId"]])]


def _endpoints(bed, region):
    group = _elasticache(bed, region).describe_replication_groups(ReplicationGroupId="funmagic-main")
    node_group = group["ReplicationGroups"][0]["NodeGroups"][0]
    return node_group["PrimaryEndpoint"]["Address"], node_group["ReaderEndpoint"]["Address"]


def _url(host):
    return "rediss://default:%s@%s:6379" % (ENCODED, host)


def _mode(bed, host, worker):
    return stat.S_IMODE(os.stat(os.path.join(bed.rootfs(host), "etc", "funmagic", "%s.env" % worker)).st_mode)


def test_each_hosts_env_files_point_at_its_own_regions_endpoints_and_writers_at_the_primary(bed):
    assert bed.rc == 0, bed.first_output[-5000:]
    east, east_reader = _endpoints(bed, "us-east-1")
    west, west_reader = _endpoints(bed, "us-west-2")
    assert bed.env_file("web", "app1") == {"REDIS_URL": _url(east), "REDIS_QUEUE_URL": _url(east),
                                           "REDIS_PUBSUB_URL": _url(east), "REDIS_TLS": "true", "QUEUE_PREFIX": ""}
    assert bed.env_file("reporter", "app1") == bed.env_file("web", "app1")  # global_writes: nothing to change here
    web = bed.env_file("web", "app2")
    assert web["REDIS_URL"] == web["REDIS_QUEUE_URL"] == web["REDIS_PUBSUB_URL"] == _url(east)
    assert web["REDIS_READER_URL"] == web["REDIS_QUEUE_READER_URL"] == web["REDIS_PUBSUB_READER_URL"] == \
        _url(west_reader)
    reporter = bed.env_file("reporter", "app2")
    assert reporter["REDIS_URL"] == _url(west) and "REDIS_READER_URL" not in reporter
    assert east_reader not in repr(web)
    assert [_mode(bed, h, w) for h in ("app1", "app2") for w in ("web", "reporter")] == [0o640] * 4
    assert TOKEN not in bed.first_output and ENCODED not in bed.first_output
    said = " ".join(bed.first_output.split())  # a warning may be wrapped
    assert "[WARNING]: host app2 (us-west-2): worker reporter writes main, queue, pubsub to instance main's " \
        "secondary in us-west-2, which is read-only: writes get READONLY" in said
    assert "[WARNING]: host app1" not in said


def test_each_host_proves_pong_to_the_endpoints_it_uses(bed):
    assert bed.rc == 0
    pongs = {}
    # The debug tasks' messages in the yaml result format: "ok: [app2] =>", "    msg:", "    - 'main: PONG ...'"
    for host, block in re.findall(r"^ok: \[(app\d)\] => ?\n((?:    .*\n)+)", bed.first_output, re.M):
        pongs.setdefault(host, set()).update(re.findall(r"^    - '?(main(?: \([a-z0-9 -]+\))?): PONG", block, re.M))
    assert pongs == {"app1": {"main"}, "app2": {"main", "main (reader)", "main (us-west-2)"}}


def test_a_key_written_in_us_east_1_is_read_on_the_us_west_2_host_and_a_local_writer_is_refused(bed):
    assert bed.rc == 0
    url = bed.env_file("web", "app1")["REDIS_URL"]
    hosts.assert_mapped(urlsplit(url).hostname)
    redis.Redis.from_url(url, ssl_ca_certs=bed.ca_file, socket_timeout=5).set("order:2", "shipped")
    reader = bed.env_file("web", "app2")["REDIS_READER_URL"]
    hosts.assert_mapped(urlsplit(reader).hostname, os.path.join(bed.rootfs("app2"), "etc", "hosts"))
    read = ""
    for _attempt in range(50):
        read = subprocess.run(["chroot", bed.rootfs("app2"), "sh", "-c",
                               'set -a; . /etc/funmagic/web.env; redis-cli --no-auth-warning -u "$REDIS_READER_URL" '
                               "GET order:2"], capture_output=True, text=True, check=True, timeout=30).stdout.strip()
        if read == "shipped":
            break
    assert read == "shipped"
    local = bed.env_file("reporter", "app2")["REDIS_URL"]
    hosts.assert_mapped(urlsplit(local).hostname)
    with pytest.raises(redis.exceptions.ReadOnlyError):
        redis.Redis.from_url(local, ssl_ca_certs=bed.ca_file, socket_timeout=5).set("order:3", "lost")


def test_a_rerun_changes_nothing_and_check_mode_makes_no_mutating_call(bed):
    assert bed.rc == 0
    output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args())[1]
    for host in ("localhost", "app1", "app2"):
        assert re.search(r"%s\s+: ok=\d+\s+changed=0 " % host, output), output[-3000:]
    bed.emulator.call("requests", method="DELETE")
    run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "--check")
    assert bed.emulator.requests(mutating_only=True) == []


DRILL = os.path.join(ROOT, "playbooks", "global_failover.yml")


def _drill(bed, region, *extra):
    return run_ansible.playbook(DRILL, bed.emulator, *bed.args(), "-e", "failover_drill_instance=main",
                                "-e", "failover_drill_region=%s" % region, *extra, check=False)


def _primary_region(bed):
    group = _elasticache(bed, "us-east-1").describe_global_replication_groups(
        GlobalReplicationGroupId="ldgnf-funmagic-main", ShowMemberInfo=True)["GlobalReplicationGroups"][0]
    return [m["ReplicationGroupRegion"] for m in group["Members"] if m["Role"] == "PRIMARY"]


def _changed_nothing(output):
    return all(re.search(r"%s\s+: ok=\d+\s+changed=0 " % host, output) for host in ("localhost", "app1", "app2"))


def test_the_cross_region_drill_promotes_us_west_2_moves_every_writer_and_fails_back(bed):
    """playbooks/global_failover.yml: --check changes nothing; the drill promotes us-west-2 while app1 PINGs and
    writes there, moves both hosts' writers to it and proves a write from each; a rerun changes nothing; the drill
    with us-east-1 fails back. The tests after it find us-east-1 primary again."""
    assert bed.rc == 0
    east, east_reader = _endpoints(bed, "us-east-1")
    west, _west_reader = _endpoints(bed, "us-west-2")
    bed.emulator.call("requests", method="DELETE")
    rc, output = _drill(bed, "us-west-2", "--check")
    assert rc == 0, output[-5000:]
    assert bed.emulator.requests(mutating_only=True) == [] and _primary_region(bed) == ["us-east-1"]

    rc, output = _drill(bed, "us-west-2")
    with open(os.path.join(bed.state, "drill.log"), "w", encoding="utf-8") as handle:
        handle.write(output)  # kept with the bed's state, for reading the figures after a run
    assert rc == 0, output[-5000:]
    assert TOKEN not in output and ENCODED not in output
    assert _primary_region(bed) == ["us-west-2"]
    said = " ".join(output.split())
    assert "funmagic-main: primary Region us-east-1 -> us-west-2" in said
    figures = re.search(r"probe from app1 on the us-west-2 member: (\d+) of (\d+) PINGs failed, longest time without "
                        r"PONG ([\d.]+) s; (\d+) of (\d+) writes refused, longest time without a write ([\d.]+) s",
                        said)
    assert figures, said[-3000:]
    assert int(figures.group(2)) > 0 and int(figures.group(5)) > 0
    assert int(figures.group(4)) > 0  # the secondary refused writes (READONLY) until it was promoted
    assert "write after: yes" in said
    assert output.count("PLAY [Install redis-cli and write the env files") == 2  # batches: app1 first, then app2
    for host, region in (("app1", "us-east-1"), ("app2", "us-west-2")):  # each host's own write, all accepted
        wrote = re.search(r"%s \(%s\) writes to main in us-west-2: (\d+) of (\d+) writes accepted"
                          % (host, region), said)
        assert wrote and wrote.group(1) == wrote.group(2) != "0", said[-3000:]
    app1, app2 = bed.env_file("web", "app1"), bed.env_file("web", "app2")
    assert app1["REDIS_URL"] == app2["REDIS_URL"] == _url(west)
    assert app1["REDIS_READER_URL"] == _url(east_reader) and "REDIS_READER_URL" not in app2
    assert bed.env_file("reporter", "app1")["REDIS_URL"] == _url(east)  # local, now on the read-only secondary
    hosts.assert_mapped(west)
    redis.Redis.from_url(app1["REDIS_URL"], ssl_ca_certs=bed.ca_file, socket_timeout=5).set("order:4", "moved")
    with pytest.raises(redis.exceptions.ReadOnlyError):
        redis.Redis.from_url(_url(east), ssl_ca_certs=bed.ca_file, socket_timeout=5).set("order:5", "lost")
    assert "[WARNING]: host app1 (us-east-1): worker reporter writes" in said

    rc, rerun = _drill(bed, "us-west-2")
    assert rc == 0 and _changed_nothing(rerun), rerun[-3000:]
    assert "us-west-2 is already the primary Region; nothing to promote" in " ".join(rerun.split())

    rc, output = _drill(bed, "us-east-1")
    assert rc == 0, output[-5000:]
    assert _primary_region(bed) == ["us-east-1"]
    assert "funmagic-main: primary Region us-west-2 -> us-east-1" in " ".join(output.split())
    assert bed.env_file("web", "app1")["REDIS_URL"] == bed.env_file("web", "app2")["REDIS_URL"] == _url(east)
    rc, rerun = _drill(bed, "us-east-1")
    assert rc == 0 and _changed_nothing(rerun), rerun[-3000:]


def test_an_inventory_that_no_longer_lists_global_is_refused_before_anything_changes(bed):
    assert bed.rc == 0
    bed.emulator.call("requests", method="DELETE")
    instances = [{"name": "main", "purpose": "main", "node_type": "cache.r6g.large", "replicas": 1}]
    rc, output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "-e",
                                      json.dumps({"cache_instances": instances}), check=False)
    assert rc != 0
    said = " ".join(output.split())
    assert "cache_instances[0] (main).global: replication group funmagic-main is the " in said, output[-3000:]
    assert " member of global datastore ldgnf-funmagic-main, and the instance lists no global" in said
    assert bed.emulator.requests(mutating_only=True) == []


def test_destroy_takes_the_datastore_apart_and_leaves_a_final_snapshot_in_each_region(bed):
    """Last in the file: it deletes what the others read. AWS refuses to delete a member of a global datastore."""
    assert bed.rc == 0
    destroy = os.path.join(ROOT, "playbooks", "destroy.yml")
    output = run_ansible.playbook(destroy, bed.emulator, *bed.args(), "-e", "destroy_confirm=funmagic")[1]
    assert TOKEN not in output
    east, west = _elasticache(bed, "us-east-1"), _elasticache(bed, "us-west-2")
    assert east.describe_global_replication_groups()["GlobalReplicationGroups"] == []
    for region, client in (("us-east-1", east), ("us-west-2", west)):
        assert client.describe_replication_groups()["ReplicationGroups"] == [], region
        snapshots = client.describe_snapshots()["Snapshots"]
        assert [s["ReplicationGroupId"] for s in snapshots if s["SnapshotName"].startswith("funmagic-main-final-")] \
            == ["funmagic-main"], region
        assert client.describe_cache_subnet_groups()["CacheSubnetGroups"] == [], region
        ec2 = boto3.session.Session(region_name=region).client("ec2", endpoint_url=bed.emulator.endpoint)
        assert ec2.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])["SecurityGroups"] == [], region
    rerun = run_ansible.playbook(destroy, bed.emulator, *bed.args(), "-e", "destroy_confirm=funmagic")[1]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0 ", rerun), rerun[-3000:]
