"""The per-host cost of the client side, counted on real runs (tests/callbacks/module_executions.py): 3 instances and
2 workers on two chroot hosts (the second, because the client role's inputs run once and read the other hosts from
hostvars: a play's role vars reached only the first, so configure_hosts.yml ran the checks on every other host).
configure_hosts.yml + verify.yml run at most 6 module executions on each host, a no-op redis.yml at most 8
(issue 20)."""

from __future__ import annotations

import json
import os

import pytest

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
CONFIGURE_AND_VERIFY_BAR = 6
NOOP_REDIS_BAR = 8
HOSTS = ("app1", "app2")


def counted(emulator, path, tmp_path, *args):
    """(output, {host: {"total": n, "tasks": {...}}}) of one playbook run with the counting callback."""
    counts = os.path.join(tmp_path, f"counts-{len(os.listdir(tmp_path))}.json")
    env = {"ANSIBLE_CALLBACK_PLUGINS": os.path.join(ROOT, "tests", "callbacks"),
           "ANSIBLE_CALLBACKS_ENABLED": "module_executions", "FUNMAGIC_EXECUTIONS_FILE": counts}
    output = run_ansible.playbook(os.path.join(ROOT, "playbooks", path), emulator, *args, extra_env=env)[1]
    with open(counts, encoding="utf-8") as handle:
        return output, json.load(handle)


@pytest.fixture(scope="module")
def runs(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=2)
    testbed = Bed(emulator_session, tmp_path_factory.mktemp("bed"), hosts=HOSTS).up()
    counts = str(tmp_path_factory.mktemp("counts"))
    try:
        counted(emulator_session, "redis.yml", counts, *testbed.args())  # converge
        testbed.write_vars(client_workers=[{**worker, "queue_prefix": "cost"} for worker in
                                           testbed.group_vars["client_workers"]])
        configure = counted(emulator_session, "configure_hosts.yml", counts, *testbed.args())
        verify = counted(emulator_session, "verify.yml", counts, *testbed.args())
        noop = counted(emulator_session, "redis.yml", counts, *testbed.args())
        yield {"configure": configure, "verify": verify, "noop": noop}
    finally:
        testbed.down()


def host_total(run, host="app1"):
    return run[1].get(host, {"total": 0})["total"]


@pytest.mark.parametrize("host", HOSTS)
def test_configure_and_verify_cost_at_most_6_module_executions_per_host(runs, host):
    configure, verify = host_total(runs["configure"], host), host_total(runs["verify"], host)
    print(f"configure_hosts.yml: {configure} on {host} {runs['configure'][1].get(host)}")
    print(f"verify.yml: {verify} on {host} {runs['verify'][1].get(host)}")
    assert "changed=" in runs["configure"][0] and "PONG" in runs["verify"][0]
    assert configure and verify, "no module ran on %s" % host
    assert configure + verify <= CONFIGURE_AND_VERIFY_BAR, (runs["configure"][1], runs["verify"][1])


@pytest.mark.parametrize("host", HOSTS)
def test_a_noop_redis_yml_costs_at_most_8_module_executions_per_host(runs, host):
    noop = host_total(runs["noop"], host)
    print(f"no-op redis.yml: {noop} on {host} {runs['noop'][1].get(host)}")
    changed = [line for line in runs["noop"][0].splitlines() if line.startswith("changed:") or "TASK [" in line]
    assert run_ansible.recap(runs["noop"][0])[host]["changed"] == 0, "\n".join(changed)
    assert noop <= NOOP_REDIS_BAR, runs["noop"][1]
