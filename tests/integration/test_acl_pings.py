"""redis_cli_ping and redis_ping with ACL users (access rbac) against real redis-servers, plain and TLS.

Two redis-servers on 127.0.<FUNMAGIC_ADDRESS_BLOCK>.230 (plain) and .231 (TLS, certificate from a throwaway CA),
the default user off, a user per worker on its own keys (web:*, admin:*), a user on every key (broad) and one that
may not PING (noping). One ansible-playbook run at -vvv makes every check; its results land in a file, and its whole
output is searched for every password.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.emulator.__main__ import ROOT, environment
from tests.emulator.redis_fixture import CertificateAuthority
from tests.integration import run_ansible

BLOCK = int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2"))
PLAIN, TLS = f"127.0.{BLOCK}.230", f"127.0.{BLOCK}.231"
PASSWORDS = {"web": "Web-Pa$$word-Acl-0123456789!&", "admin": "Admin#Pass:word-Acl-987654321",
             "broad": "Broad-Password-Acl-5555555555", "noping": "NoPing-Password-Acl-4444444444"}
WRONG = "Wrong-Password-Acl-0000000000"
ACL = ["user default off",
       f"user web on >{PASSWORDS['web']} ~web:* &* +@all",
       f"user admin on >{PASSWORDS['admin']} ~admin:* &* +@all",
       f"user broad on >{PASSWORDS['broad']} ~* &* +@all",
       f"user noping on >{PASSWORDS['noping']} ~noping:* +@all -ping"]


def _wait(address, process, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"redis-server on {address} exited with {process.returncode}")
        if subprocess.run(["ss", "-Hltn", f"src {address}:6379"], capture_output=True, text=True,
                          check=False).stdout.strip():
            return
        time.sleep(0.05)
    raise AssertionError(f"redis-server on {address} is not listening")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(CA file, {"plain": address, "tls": address}) of two redis-servers with the users above."""
    directory = tmp_path_factory.mktemp("acl")
    ca = CertificateAuthority(str(directory / "ca"))
    ca.issue([TLS], [TLS], str(directory / "server.crt"), str(directory / "server.key"))
    processes = []
    for name, address, tls in (("plain", PLAIN, False), ("tls", TLS, True)):
        ports = ["port 0", "tls-port 6379", f"tls-cert-file {directory / 'server.crt'}",
                 f"tls-key-file {directory / 'server.key'}", f"tls-ca-cert-file {ca.cert_path}",
                 "tls-auth-clients no"] if tls else ["port 6379"]
        config = directory / f"{name}.conf"
        config.write_text("\n".join([f"bind {address}", "save ''", "appendonly no", f"dir {directory}",
                                     *ports, *ACL]) + "\n", encoding="utf-8")
        config.chmod(0o600)
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            ["redis-server", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)
        _wait(address, process)
    yield ca.cert_path, {"plain": PLAIN, "tls": TLS}
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _connections(addresses):
    return {name: {"endpoint": address, "port": 6379, "tls": name == "tls", "cluster": False, "access": "rbac"}
            for name, address in addresses.items()}


def _worker(name, own, other):
    return {"name": name, "users": {"plain": own, "tls": own}, "refused_keys": {"plain": other, "tls": other}}


def _passwords(**workers):
    return {"plain": dict(workers), "tls": dict(workers)}


def _ping(host, ca_file, user, password=None, **extra):
    args = {"host": host, "tls": host == TLS, "ca_file": ca_file, "user": user, "fail_on_error": False, **extra}
    if password:
        args["password"] = password
    return args


@pytest.fixture(scope="module")
def played(servers, tmp_path_factory):
    """(rc, output, results by task) of one playbook run at -vvv that makes every check."""
    ca_file, addresses = servers
    directory = tmp_path_factory.mktemp("acl-play")
    workers = [_worker("admin", "admin", "web:refused-proof"), _worker("web", "web", "admin:refused-proof")]
    checks = {
        "cli_users": {"redis_cli_ping": {
            "connections": _connections(addresses), "workers": workers,
            "passwords": _passwords(web=PASSWORDS["web"], admin=PASSWORDS["admin"])}},
        "cli_wrong_password": {"redis_cli_ping": {
            "connections": _connections(addresses), "workers": workers,
            "passwords": _passwords(web=WRONG, admin=PASSWORDS["admin"])}},
        "cli_allowed": {"redis_cli_ping": {
            "connections": _connections(addresses), "workers": [_worker("broad", "broad", "web:refused-proof")],
            "passwords": _passwords(broad=PASSWORDS["broad"])}},
        # redis-cli 7.0 waits for ever as a TLS client on a plain port; the module's timeout stops it.
        "cli_tls_on_plain": {"redis_cli_ping": {
            "connections": {"plain": {"endpoint": PLAIN, "port": 6379, "tls": True, "cluster": False}},
            "timeout": 2}},
        "cli_nothing_listens": {"redis_cli_ping": {
            "connections": {"plain": {"endpoint": PLAIN, "port": 6390, "tls": False, "cluster": False}}}},
        "ping_tls": {"redis_ping": _ping(TLS, ca_file, "web", PASSWORDS["web"], refused_key="admin:refused-proof")},
        "ping_plain": {"redis_ping": _ping(PLAIN, ca_file, "admin", PASSWORDS["admin"], refused_key="web:x")},
        "ping_wrongpass": {"redis_ping": _ping(TLS, ca_file, "web", WRONG)},
        "ping_unknown_user": {"redis_ping": _ping(TLS, ca_file, "nobody", PASSWORDS["web"])},
        "ping_noauth": {"redis_ping": _ping(PLAIN, ca_file, "web")},
        "ping_noperm": {"redis_ping": _ping(TLS, ca_file, "noping", PASSWORDS["noping"])},
        "ping_allowed": {"redis_ping": _ping(TLS, ca_file, "broad", PASSWORDS["broad"], refused_key="web:x",
                                             fail_on_error=True)},
    }
    tasks = [{"name": name, f"funmagic.elasticache.{module}": args, "register": name, "ignore_errors": True}
             for name, check in checks.items() for module, args in check.items()]
    results = directory / "results.json"
    tasks.append({"name": "Keep the results", "ansible.builtin.copy": {
        "content": "{{ {%s} | to_json }}" % ", ".join(f"'{name}': {name}" for name in checks),
        "dest": str(results), "mode": "0600"}})
    play = directory / "play.yml"
    play.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]), encoding="utf-8")
    # redis-cli --tls trusts the system store; SSL_CERT_FILE points OpenSSL at the test CA instead.
    env = {**os.environ, **environment("http://127.0.0.1:9"), "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
           "ANSIBLE_NOCOLOR": "1", "SSL_CERT_FILE": ca_file,
           "PATH": run_ansible.BIN + os.pathsep + os.environ.get("PATH", "")}
    answer = subprocess.run([os.path.join(run_ansible.BIN, "ansible-playbook"), str(play), "-i", "localhost,",
                             "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}", "-vvv"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    output = answer.stdout + answer.stderr
    assert results.exists(), output[-4000:]
    return answer.returncode, output, json.loads(results.read_text(encoding="utf-8"))


def test_redis_cli_gets_pong_as_each_workers_user_and_noperm_on_the_others_keys(played):
    result = played[2]["cli_users"]
    assert not result.get("failed"), result.get("msg")
    assert [(a["name"], a["user"], a["pong"], a["refused"]) for a in result["answers"]] == [
        ("plain", "admin", True, True), ("plain", "web", True, True),
        ("tls", "admin", True, True), ("tls", "web", True, True)]
    assert "plain as web: refused on admin:refused-proof, another worker's key (NOPERM" in result["msg"]


def test_redis_cli_tells_a_refused_password_apart_and_names_the_variable(played):
    result = played[2]["cli_wrong_password"]
    assert result["failed"]
    causes = {(a["name"], a["user"]): a["cause"] for a in result["answers"]}
    assert causes == {("plain", "admin"): None, ("plain", "web"): "auth", ("tls", "admin"): None,
                      ("tls", "web"): "auth"}
    assert ("plain as web: redis-cli got no PONG (auth): user web's password was sent and the server refused it "
            "(WRONGPASS") in result["msg"]
    assert "cache_user_passwords.tls.web is not one of its passwords" in result["msg"]


def test_redis_cli_fails_when_a_user_can_reach_another_workers_key(played):
    result = played[2]["cli_allowed"]
    assert result["failed"] and all(a["pong"] and a["refused"] is False for a in result["answers"])
    assert "plain as broad: can reach web:refused-proof, another worker's key (EXISTS answered 0 instead of " \
           "NOPERM)" in result["msg"]


@pytest.mark.parametrize("check, cause, words", [
    ("cli_tls_on_plain", "timeout", "plain: redis-cli got no PONG (timeout): no answer within 2 s"),
    ("cli_nothing_listens", "tcp", "plain: redis-cli got no PONG (tcp): the connection was refused (Could not "
                                   f"connect to Redis at {PLAIN}:6390: Connection refused)"),
])
def test_redis_cli_that_could_not_talk_to_redis_says_why(played, check, cause, words):
    result = played[2][check]
    assert result["failed"] and [a["cause"] for a in result["answers"]] == [cause]
    assert words in result["msg"]


@pytest.mark.parametrize("check", ["ping_tls", "ping_plain"])
def test_redis_ping_gets_pong_as_the_user_and_proves_the_refusal(played, check):
    result = played[2][check]
    assert not result.get("failed"), result.get("msg")
    assert result["pong"] is True and result["refused"] is True
    assert result["refused_answer"].startswith("NOPERM")
    assert (result["tls_version"] or "").startswith("TLS") is (check == "ping_tls")


@pytest.mark.parametrize("check, cause, error, words", [
    ("ping_wrongpass", "auth", "WRONGPASS", "refused user web with this password"),
    ("ping_unknown_user", "auth", "WRONGPASS", "refused user nobody with this password"),
    ("ping_noauth", "auth", "NOAUTH", "Pass user web's password"),
    ("ping_noperm", "noperm", "NOPERM", "user noping has no permission to run PING"),
])
def test_redis_ping_tells_wrongpass_noauth_and_noperm_apart(played, check, cause, error, words):
    result = played[2][check]
    assert result["pong"] is False and (result["cause"], result["error"]) == (cause, error)
    assert words in result["hint"]


def test_redis_ping_fails_when_the_user_can_reach_another_workers_key(played):
    result = played[2]["ping_allowed"]
    assert result["failed"] and result["pong"] is True and result["refused"] is False
    assert "broad can reach web:x" in result["msg"] and "EXISTS answered 0" in result["msg"]


def test_no_password_in_the_output_at_vvv(played):
    rc, output, _results = played
    assert rc == 0, output[-4000:]  # every failure above was expected (ignore_errors)
    assert "cli_users" in output and "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in output
    for password in [*PASSWORDS.values(), WRONG]:
        assert password not in output
