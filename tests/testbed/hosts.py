"""Disposable EC2 stand-ins: Debian bookworm chroots that Ansible drives with community.general.chroot.

    python -m tests.testbed.hosts create app1   # prints the rootfs path
    python -m tests.testbed.hosts destroy app1

The debootstrap result is cached as a tarball under ~/.cache/funmagic-elasticache, keyed by what
went into it, so a fresh clone on the same machine unpacks it in seconds. Each host trusts the
test CA and has its /etc/hosts kept by the emulator (registered as a hosts target).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.environ.get("FUNMAGIC_TESTBED_DIR", os.path.join(ROOT, ".testbed"))
CACHE = os.environ.get("FUNMAGIC_CACHE", os.path.expanduser("~/.cache/funmagic-elasticache"))
SUITE = "bookworm"
INCLUDE = "python3,python3-apt,ca-certificates"
CA_NAME = "funmagic-testbed-ca.crt"


def mirror() -> str:
    """The Debian mirror this machine already uses (so the chroot reaches the same registry)."""
    sources = "/etc/apt/sources.list.d/debian.sources"
    if os.path.exists(sources):
        with open(sources, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("URIs:") and "security" not in line:
                    return line.split()[1]
    return "http://deb.debian.org/debian"


def rootfs_tarball() -> str:
    """Path of the cached rootfs tarball, building it once if it is missing."""
    key = hashlib.sha256(f"{SUITE}|minbase|{INCLUDE}|{mirror()}|{os.uname().machine}".encode()).hexdigest()[:16]
    tarball = os.path.join(CACHE, f"rootfs-{SUITE}-{key}.tar")
    if os.path.exists(tarball):
        return tarball
    os.makedirs(CACHE, exist_ok=True)
    build = tempfile.mkdtemp(prefix="rootfs-", dir=CACHE)
    try:
        target = os.path.join(build, "root")
        subprocess.run(["debootstrap", "--variant=minbase", f"--include={INCLUDE}", SUITE, target, mirror()],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["tar", "-C", target, "-cf", tarball + ".tmp", "."], check=True)
        os.replace(tarball + ".tmp", tarball)
    finally:
        _remove_tree(build)
    return tarball


def host_path(name: str) -> str:
    return os.path.join(STATE, "hosts", name)


def create(name: str, endpoint: str | None = None, ca_file: str | None = None) -> str:
    """A fresh rootfs for host `name`; returns its path."""
    path = host_path(name)
    destroy(name)
    os.makedirs(path)
    subprocess.run(["tar", "-C", path, "-xf", rootfs_tarball()], check=True)
    for source in ("/etc/apt/sources.list.d/debian.sources", "/etc/resolv.conf"):
        if os.path.exists(source):
            shutil.copy(source, path + source)
    with open(os.path.join(path, "etc/hosts"), "w", encoding="utf-8") as handle:
        handle.write(f"127.0.0.1 localhost\n127.0.1.1 {name}\n")
    if ca_file:
        shutil.copy(ca_file, os.path.join(path, "usr/local/share/ca-certificates", CA_NAME))
        subprocess.run(["chroot", path, "update-ca-certificates"], check=True, stdout=subprocess.DEVNULL)
    if endpoint:
        _register_hosts_file(endpoint, os.path.join(path, "etc/hosts"))
    return path


def _register_hosts_file(endpoint: str, hosts_file: str) -> None:
    request = urllib.request.Request(f"{endpoint}/_emulator/hosts-targets", method="POST",
                                     data=json.dumps({"path": hosts_file}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):
        pass


def destroy(name: str) -> None:
    _remove_tree(host_path(name))


def _remove_tree(path: str) -> None:
    if not os.path.exists(path):
        return
    real = os.path.realpath(path)
    with open("/proc/self/mounts", encoding="utf-8") as handle:
        mounted = [line.split()[1] for line in handle if line.split()[1].startswith(real + "/")]
    if mounted:
        raise RuntimeError(f"refusing to delete {path}: {mounted[0]} is mounted under it")
    subprocess.run(["rm", "-rf", "--one-file-system", path], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.testbed.hosts")
    parser.add_argument("command", choices=["create", "destroy", "prepare"])
    parser.add_argument("name", nargs="?")
    parser.add_argument("--endpoint", help="emulator endpoint to register the host's /etc/hosts with")
    parser.add_argument("--ca-file", help="CA certificate the host should trust")
    options = parser.parse_args(argv)
    if options.command == "prepare":
        print(rootfs_tarball())
    elif options.command == "create":
        print(create(options.name, options.endpoint, options.ca_file))
    else:
        destroy(options.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
