"""execution-environment.yml gives a complete build context (no container engine here: `create` only)."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from tests.emulator.__main__ import ROOT

BIN = os.path.dirname(sys.executable)


def _requirements(path):
    with open(path, encoding="utf-8") as handle:
        return sorted(line.split("#")[0].strip() for line in handle if line.split("#")[0].strip())


def test_ansible_builder_create_makes_a_build_context(tmp_path):
    context = tmp_path / "context"
    answer = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f", "execution-environment.yml",
                             "-c", str(context), "--output-filename", "Containerfile"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert 'ANSIBLE_INSTALL_REFS="ansible-core>=2.18.0,<2.20 ansible-runner"' in containerfile
    collections = {c["name"] for c in yaml.safe_load((context / "_build/requirements.yml").read_text())["collections"]}
    assert collections == {"amazon.aws", "funmagic.elasticache"}
    assert _requirements(context / "_build/requirements.txt") == _requirements(os.path.join(ROOT, "requirements.txt"))
    assert (context / "_build/bindep.txt").read_text() == open(os.path.join(ROOT, "bindep.txt"), encoding="utf-8").read()


def test_boto3_reaches_the_image_and_test_bed_packages_do_not():
    """What ansible-builder's introspection collects from the collection: boto3 for the AWS modules, and
    system packages only under the [test] profile, which an image build does not install."""
    answer = subprocess.run([os.path.join(BIN, "ansible-builder"), "introspect", "--sanitize", ".collections"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    found = yaml.safe_load(answer.stdout.split("---", 1)[1])
    assert any(line.startswith("boto3>=") for line in found["python"])
    assert found["system"] and all("[test " in line for line in found["system"])
