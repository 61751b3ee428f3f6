"""The collection as a user gets it: the built tarball, installed offline, used from a project of their own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from tests.emulator.__main__ import ROOT, environment
from tests.integration import run_ansible
from tests.testbed.seed import seed

BIN = os.path.dirname(sys.executable)
# One of each thing a working checkout grows that must never ship (see galaxy.yml build_ignore).
ARTEFACTS = [
    ".venv/bin/python",
    ".testbed/emulator/pid",
    ".cache/rootfs.tar",
    ".ansible/collections/x",
    ".pytest_cache/v/cache/lastfailed",
    "tests/.pytest_cache/README.md",
    "plugins/modules/__pycache__/replication_group.cpython-311.pyc",
    "tests/output/junit/sanity.xml",
    "tests/node/node_modules/bullmq/package.json",
    "molecule/default/molecule.yml",
    "molecule/.state/instance_config.yml",
    "docs/_build/html/index.html",
    "build/lib/x.py",
    "context/Containerfile",
    "funmagic-elasticache-0.0.9.tar.gz",
    "roles/cache/tasks/main.yml.swp",
]


def _build(source, output):
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path",
                    str(output), str(source)], check=True, capture_output=True, text=True)
    (tarball,) = [os.path.join(output, name) for name in os.listdir(output) if name.endswith(".tar.gz")]
    return tarball


def _members(tarball):
    with tarfile.open(tarball) as archive:
        return archive.getmembers()


def _tracked_copy(destination):
    """The checkout's files as git sees them (tracked or new, not ignored), without its local state."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.join(destination, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), os.path.join(destination, name))


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    return _build(ROOT, tmp_path_factory.mktemp("dist"))


def test_the_checkout_builds_without_anything_git_ignores_and_without_symlinks(tarball):
    members = _members(tarball)
    assert [m.name for m in members if m.issym() or m.islnk()] == []
    names = [m.name for m in members if m.name not in ("MANIFEST.json", "FILES.json")]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=ROOT, input="\n".join(names),
                             capture_output=True, text=True, check=False).stdout.split()
    assert ignored == []
    for expected in ("README.md", "meta/runtime.yml", "plugins/modules/replication_group.py", "playbooks/redis.yml",
                     "roles/cache/tasks/main.yml", "changelogs/changelog.yaml"):
        assert expected in names


def test_build_ignore_leaves_out_every_local_artefact(tmp_path):
    source = tmp_path / "checkout"
    _tracked_copy(source)
    clean = {m.name for m in _members(_build(source, tmp_path / "clean"))}
    for artefact in ARTEFACTS:
        (source / artefact).parent.mkdir(parents=True, exist_ok=True)
        (source / artefact).write_text("local state\n")
    (source / ".collections/ansible_collections/funmagic").mkdir(parents=True)
    os.symlink("../../..", source / ".collections/ansible_collections/funmagic/elasticache")
    members = _members(_build(source, tmp_path / "dist"))
    assert sorted({m.name for m in members} - clean) == []
    assert [m.name for m in members if m.issym() or m.islnk()] == []
    assert "plugins/modules/replication_group.py" in clean


def _instance_names(inventory):
    """cache_instances' names, from whichever group_vars file of the copied inventory sets them."""
    for path in sorted(inventory.glob("group_vars/all*")) + sorted(inventory.glob("group_vars/all/*")):
        if path.is_file():
            names = [i["name"] for i in (yaml.safe_load(path.read_text()) or {}).get("cache_instances", [])]
            if names:
                return names
    raise AssertionError(f"no cache_instances in {inventory}/group_vars")


@pytest.fixture(scope="module")
def project(tarball, emulator_session, tmp_path_factory):
    """A user's project: the tarball installed offline into an empty collections path, a copy of
    inventories/local pointed at this session's emulator and one chroot host, and a playbook that
    imports funmagic.elasticache.redis."""
    base = tmp_path_factory.mktemp("user")
    collections = base / "collections"
    site = os.path.dirname(os.path.dirname(os.path.dirname(
        __import__("ansible_collections.amazon.aws", fromlist=["aws"]).__path__[0])))
    env = {**os.environ, **environment(emulator_session.endpoint), "PATH": BIN + os.pathsep + os.environ["PATH"],
           "ANSIBLE_COLLECTIONS_PATH": f"{collections}{os.pathsep}{site}", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_HOME": str(base / "ansible-home"), "FUNMAGIC_TESTBED_DIR": str(base / "testbed")}
    env.pop("ANSIBLE_CONFIG", None)
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections),
                    tarball], env=env, check=True, capture_output=True)

    emulator_session.reset(create_seconds=1)
    seed(emulator_session.endpoint)
    ca_file = emulator_session.state()["ca_file"]
    rootfs = subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "create", "app1", "--endpoint",
                             emulator_session.endpoint, "--ca-file", ca_file], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True).stdout.strip()

    directory = base / "project"
    shutil.copytree(os.path.join(ROOT, "inventories", "local"), directory / "inventory")
    (directory / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
        "children": {"app": {"hosts": {"app1": {"ansible_connection": "community.general.chroot",
                                                "ansible_host": rootfs,
                                                "ansible_python_interpreter": "/usr/bin/python3"}}}}}}))
    (directory / "site.yml").write_text(
        "---\n- name: Redis for this project\n  ansible.builtin.import_playbook: funmagic.elasticache.redis\n")
    argv = [os.path.join(BIN, "ansible-playbook"), "site.yml", "-i", "inventory",
            "-e", f"aws_endpoint_url={emulator_session.endpoint}", "-e", f"client_ca_bundle={ca_file}"]

    def run(*extra):
        answer = subprocess.run(argv + list(extra), cwd=directory, env=env, capture_output=True, text=True,
                                timeout=900, check=False)
        output = answer.stdout + answer.stderr
        assert answer.returncode == 0, output[-6000:]
        return output

    yield {"env": env, "collections": collections, "run": run, "instances": _instance_names(directory / "inventory")}
    subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "destroy", "app1"], cwd=ROOT, env=env, check=True)


def test_the_installed_collection_is_the_one_in_use(project):
    listing = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "list", "funmagic.elasticache"],
                             env=project["env"], cwd=project["collections"], capture_output=True, text=True,
                             check=True).stdout
    assert f"# {project['collections']}/ansible_collections" in listing
    assert listing.count("funmagic.elasticache") == 1
    assert not (project["collections"] / "ansible_collections/funmagic/elasticache/.collections").exists()


def test_import_playbook_from_a_project_gets_pong_then_changes_nothing(project):
    first = project["run"]()
    assert project["instances"]
    for name in project["instances"]:
        assert re.search(rf"\b{re.escape(name)}: PONG\b", first), f"no PONG from {name}:\n{first[-4000:]}"
    second = project["run"]()
    assert {host: counts["changed"] for host, counts in run_ansible.recap(second).items()} == {"localhost": 0, "app1": 0}
