"""The per-host cost of the client side, counted on real runs (tests/callbacks/module_executions.py): 3 instances and
2 workers on one chroot host. configure_hosts.yml + verify.yml run at most 6 module executions on the host, a no-op
redis.yml at most 8 (issue 20)."""

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
    testbed = Bed(emulator_session, tmp_path_factory.mktemp("bed")).up()
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


def test_configure_and_verify_cost_at_most_6_module_executions_per_host(runs):
    configure, verify = host_total(runs["configure"]), host_total(runs["verify"])
    print(f"configure_hosts.yml: {configure} on app1 {runs['configure'][1].get('app1')}")
    print(f"verify.yml: {verify} on app1 {runs['verify'][1].get('app1')}")
    assert "changed=" in runs["configure"][0] and "PONG" in runs["verify"][0]
    assert configure + verify <= CONFIGURE_AND_VERIFY_BAR, (runs["configure"][1], runs["verify"][1])


def test_a_noop_redis_yml_costs_at_most_8_module_executions_per_host(runs):
    noop = host_total(runs["noop"])
    print(f"no-op redis.yml: {noop} on app1 {runs['noop'][1].get('app1')}")
    changed = [line for line in runs["noop"][0].splitlines() if line.startswith("changed:") or "TASK [" in line]
    assert run_ansible.recap(runs["noop"][0])["app1"]["changed"] == 0, "\n".join(changed)
    assert noop <= NOOP_REDIS_BAR, runs["noop"][1]
