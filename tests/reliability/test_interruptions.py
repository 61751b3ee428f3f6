"""Interruptions: a run killed (SIGKILL of ansible-playbook and every process under it, workers included, as
when the controller's machine or CI job dies) after the security group, after the subnet group, while the replication groups are creating, and while the
env files are being written. The rerun converges with no duplicate and nothing deleted, and an env file is at
every moment either the old one or the new one, never partial.

Each AWS scenario has its own name prefix on one account; the kill point is read from the emulator's request log.
"""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from tests.reliability.bed import (  # noqa: F401  pylint: disable=unused-import
    Bed, app_host, assert_one_set, deleting_calls, resources)

pytestmark = pytest.mark.chroot

# (scenario, name prefix, the request after which the run is killed, what must exist at the kill)
KILL_POINTS = [
    ("after-security-group", "ka", "CreateSecurityGroup", "security group ka-redis-sg"),
    ("after-subnet-group", "kb", "CreateCacheSubnetGroup", "subnet group kb-redis-subnet"),
    ("while-creating", "kc", "CreateReplicationGroup", "replication group kc-main (creating)"),
]


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory, app_host):  # pylint: disable=redefined-outer-name
    # Creation takes long enough that a kill right after CreateReplicationGroup finds the group creating.
    return Bed.make(emulator_session, tmp_path_factory, app_host, "interruptions", create_seconds=3)


@pytest.fixture(scope="module")
def killed(bed):  # pylint: disable=redefined-outer-name
    """Each scenario: the resources at the kill, the rerun's (rc, output), its request log, the resources after."""
    outcome = {}
    for scenario, prefix, operation, _point in KILL_POINTS:
        variables = bed.variables(prefix)
        run = bed.start("provision.yml", variables)
        bed.kill_when(run, lambda e, op=operation: e["operation"] == op and not e["error"])
        time.sleep(0.5)  # a call already sent by a killed module still lands: let it, as AWS would
        at_kill = resources(bed.emulator, prefix)
        bed.emulator.call("requests", method="DELETE")
        rerun = bed.run("provision.yml", variables, check=False)
        outcome[scenario] = (at_kill, rerun, bed.emulator.requests())
    return outcome


@pytest.mark.parametrize("scenario,prefix,operation,present", KILL_POINTS, ids=[k[0] for k in KILL_POINTS])
def test_the_run_was_killed_at_that_point(killed, scenario, prefix, operation, present):  # pylint: disable=unused-argument
    at_kill = killed[scenario][0]
    assert present in at_kill, at_kill
    assert not [name for name in at_kill if name.startswith("alarm")], "the run was killed too late"
    assert len([n for n in at_kill if n.startswith("replication group")]) < 2, "the run was killed too late"


@pytest.mark.parametrize("scenario,prefix,operation,present", KILL_POINTS, ids=[k[0] for k in KILL_POINTS])
def test_rerun_converges_without_duplicates_or_deletions(bed, killed, scenario, prefix, operation, present):  # pylint: disable=unused-argument
    (rc, output), log = killed[scenario][1], killed[scenario][2]
    errors = [f"{e['service']} {e['operation']} {e['params']}: {e['error']}" for e in log if e["error"]]
    assert rc == 0, f"{output[-3000:]}\nfailed calls: {errors}"
    assert deleting_calls(log) == []
    assert_one_set(bed.emulator, prefix)


class Watcher(threading.Thread):
    """Reads the env files as fast as it can and keeps every distinct (content, mode) it saw, per file."""

    def __init__(self, paths):
        super().__init__(daemon=True)
        self.paths = paths
        self.seen = {path: {} for path in paths}
        self.reads = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            for path in self.paths:
                try:
                    with open(path, encoding="utf-8") as handle:
                        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
                        content = handle.read()
                except FileNotFoundError:
                    continue
                self.seen[path].setdefault((content, mode), self.reads)
                self.reads += 1
            time.sleep(0.001)


@pytest.fixture(scope="module")
def env_files(bed, killed):  # pylint: disable=redefined-outer-name,unused-argument
    """Old env files, then a run that changes every worker killed after the first file changed, then a rerun.

    Runs on the converged "ka" caches; --tags configure, since redis-tools and the CA are not what this tests.
    """
    old = bed.variables("ka", client_workers=[{"name": "web", "queue_prefix": "old-web"},
                                              {"name": "admin", "queue_prefix": "old-admin"}])
    new = bed.variables("ka", client_workers=[{"name": "web", "queue_prefix": "new-web"},
                                              {"name": "admin", "queue_prefix": "new-admin"}])
    bed.run("configure_hosts.yml", old, "--tags", "configure")
    paths = [bed.env_file("web"), bed.env_file("admin")]
    contents = {path: open(path, encoding="utf-8").read() for path in paths}  # pylint: disable=consider-using-with
    watcher = Watcher(paths)
    watcher.start()
    run = bed.start("configure_hosts.yml", new, "--tags", "configure")
    deadline = time.monotonic() + 120
    while open(paths[0], encoding="utf-8").read() == contents[paths[0]]:  # pylint: disable=consider-using-with
        assert run.process.poll() is None, run.output()[-4000:]
        assert time.monotonic() < deadline, "the env file was not rewritten in time"
        time.sleep(0.005)
    run.kill()
    at_kill = {path: open(path, encoding="utf-8").read() for path in paths}  # pylint: disable=consider-using-with
    leftovers = sorted(set(os.listdir(os.path.dirname(paths[0]))))
    rerun = bed.run("configure_hosts.yml", new, "--tags", "configure", check=False)
    time.sleep(0.2)
    watcher.stop.set()
    watcher.join(timeout=10)
    return {"old": contents, "at_kill": at_kill, "leftovers": leftovers, "rerun": rerun, "watcher": watcher,
            "paths": paths}


def test_env_files_are_always_the_old_or_the_new_one(env_files):
    watcher = env_files["watcher"]
    assert watcher.reads > 100, "the watcher did not read often enough to see a partial file"
    for path in env_files["paths"]:
        worker = os.path.basename(path)[:-4]
        old = env_files["old"][path]
        assert f"QUEUE_PREFIX=old-{worker}" in old
        new = old.replace(f"QUEUE_PREFIX=old-{worker}", f"QUEUE_PREFIX=new-{worker}")
        contents = {content for content, _mode in watcher.seen[path]}
        assert contents <= {old, new}, f"{path}: a partial or unexpected version was seen"
        assert new in contents, f"{path}: the new version was never seen"
        assert {mode for _content, mode in watcher.seen[path]} == {0o640}


def test_at_the_kill_each_env_file_was_the_old_or_the_new_one(env_files):
    """The env_files module writes every env file of a host in one execution, each renamed over the old one, so the
    kill can no longer be aimed between two files: at the kill, each is whole, the old version or the new one."""
    web = env_files["paths"][0]
    assert "QUEUE_PREFIX=new-web" in env_files["at_kill"][web]
    for path in env_files["paths"]:
        worker = os.path.basename(path)[:-4]
        old = env_files["old"][path]
        assert env_files["at_kill"][path] in {old, old.replace(f"QUEUE_PREFIX=old-{worker}",
                                                               f"QUEUE_PREFIX=new-{worker}")}, path


def test_rerun_after_the_kill_writes_every_env_file(env_files):
    rc, output = env_files["rerun"]
    assert rc == 0, output[-4000:]
    for path in env_files["paths"]:
        worker = os.path.basename(path)[:-4]
        assert f"QUEUE_PREFIX=new-{worker}" in open(path, encoding="utf-8").read()  # pylint: disable=consider-using-with
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_the_kill_leaves_no_temporary_file_next_to_the_env_files(env_files):
    """A temporary copy left by a killed write would hold the token outside the files the role manages."""
    assert [name for name in env_files["leftovers"] if not name.endswith(".env") and ".env." not in name] == []


def test_env_files_can_be_rewritten_without_the_install_step(bed, env_files):  # pylint: disable=redefined-outer-name
    """A host that already has redis-cli and the CA: --skip-tags install must still write the env files."""
    rc, output = bed.run("configure_hosts.yml", bed.variables("ka"), "--skip-tags", "install", check=False)
    assert rc == 0, output[-3000:]
    assert "QUEUE_PREFIX=admin" in open(env_files["paths"][1], encoding="utf-8").read()  # pylint: disable=consider-using-with
