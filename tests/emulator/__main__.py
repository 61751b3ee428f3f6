"""Start, stop and inspect the emulated AWS.

    python -m tests.emulator start   # prints the endpoint, e.g. http://127.0.0.1:5757
    python -m tests.emulator env     # shell exports that point boto3 at it, with dummy credentials
    python -m tests.emulator stop    # stops it and every redis-server it started
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from . import hosts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_STATE = os.environ.get("FUNMAGIC_TESTBED_DIR", os.path.join(ROOT, ".testbed"))


def _options(argv):
    parser = argparse.ArgumentParser(prog="python -m tests.emulator")
    parser.add_argument("command", choices=["start", "stop", "serve", "env", "status"])
    parser.add_argument("--state-dir", default=DEFAULT_STATE)
    parser.add_argument("--port", type=int, default=int(os.environ.get("FUNMAGIC_EMULATOR_PORT", "5757")))
    parser.add_argument("--address-block", type=int, default=1,
                        help="third octet of the 127.0.X.0/24 range endpoint addresses come from")
    parser.add_argument("--hosts-file", default="/etc/hosts")
    parser.add_argument("--create-seconds", type=float, default=2.0)
    parser.add_argument("--modify-seconds", type=float, default=1.0)
    parser.add_argument("--delete-seconds", type=float, default=1.0)
    return parser.parse_args(argv)


def _paths(state_dir):
    emulator = os.path.join(state_dir, "emulator")
    return {"dir": emulator, "pid": os.path.join(emulator, "pid"), "endpoint": os.path.join(emulator, "endpoint"),
            "log": os.path.join(emulator, "log"), "env": os.path.join(emulator, "env")}


def environment(endpoint: str, region: str = "us-east-1") -> dict[str, str]:
    """What every process that talks to the emulator needs, so nothing leaves the machine."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }


def _healthy(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/_emulator/health", timeout=1) as answer:
            return json.load(answer).get("ok") is True
    except OSError:
        return False


def _running_pid(paths):
    try:
        with open(paths["pid"], encoding="utf-8") as handle:
            pid = int(handle.read())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def start(options) -> int:
    paths = _paths(options.state_dir)
    endpoint = f"http://127.0.0.1:{options.port}"
    if _running_pid(paths) and _healthy(endpoint):
        print(endpoint)
        return 0
    os.makedirs(paths["dir"], exist_ok=True)
    argv = [sys.executable, "-m", "tests.emulator", "serve"] + sys.argv[2:]
    with open(paths["log"], "ab") as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            env={**os.environ, **environment(endpoint)},
        )
    with open(paths["pid"], "w", encoding="utf-8") as handle:
        handle.write(str(process.pid))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"emulator exited with {process.returncode}; see {paths['log']}", file=sys.stderr)
            return 1
        if _healthy(endpoint):
            with open(paths["endpoint"], "w", encoding="utf-8") as handle:
                handle.write(endpoint)
            with open(paths["env"], "w", encoding="utf-8") as handle:
                handle.writelines(f"export {k}={v}\n" for k, v in environment(endpoint).items())
            print(endpoint)
            return 0
        time.sleep(0.1)
    print(f"emulator did not answer on {endpoint} within 30 s; see {paths['log']}", file=sys.stderr)
    return 1


def stop(options) -> int:
    """Stop the emulator and its whole process group (its redis-servers), even after a crash."""
    paths = _paths(options.state_dir)
    pid = _running_pid(paths)
    if pid:
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.1)
        if _group_alive(pid):
            _signal_group(pid, signal.SIGKILL)
    for path in [options.hosts_file] + _extra_targets(options.state_dir):
        hosts.write(path, {}, tag=str(options.port))
    for name in ("pid", "endpoint", "env"):
        if os.path.exists(paths[name]):
            os.remove(paths[name])
    return 0


def _extra_targets(state_dir):
    path = os.path.join(state_dir, "hosts-targets")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]


def _signal_group(pid, sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid) -> bool:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    return True
            except (OSError, IndexError, ValueError):
                continue
    return False


def serve(options) -> int:
    # Imported here: start/stop/env must work without moto's import time.
    from werkzeug.serving import make_server  # pylint: disable=import-outside-toplevel

    from .app import Emulator  # pylint: disable=import-outside-toplevel
    from .elasticache import EmulatorConfig  # pylint: disable=import-outside-toplevel

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = EmulatorConfig(options.create_seconds, options.modify_seconds, options.delete_seconds)
    emulator = Emulator(options.state_dir, options.port, options.address_block, options.hosts_file, config)
    server = make_server("127.0.0.1", options.port, emulator, threaded=True)

    def on_signal(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emulator.ticker.start()
    try:
        server.serve_forever()
    finally:
        emulator.shutdown()
    return 0


def main(argv=None) -> int:
    options = _options(argv if argv is not None else sys.argv[1:])
    if options.command == "start":
        return start(options)
    if options.command == "stop":
        return stop(options)
    if options.command == "serve":
        return serve(options)
    endpoint = f"http://127.0.0.1:{options.port}"
    if options.command == "env":
        print("".join(f"export {k}={v}\n" for k, v in environment(endpoint).items()), end="")
        return 0
    print(f"{endpoint} {'up' if _healthy(endpoint) else 'down'}")
    return 0 if _healthy(endpoint) else 1


if __name__ == "__main__":
    sys.exit(main())
