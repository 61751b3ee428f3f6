"""Emulators side by side rewrite one hosts file: every block must survive, whole, with no NUL byte."""

from __future__ import annotations

import multiprocessing

from tests.emulator import hosts

WRITERS = 6
ROUNDS = 60


def _writer(path: str, tag: str) -> None:
    for round_ in range(ROUNDS):
        mapping = {f"node-{n}.{tag}.example.test": f"127.0.{tag}.{n + 1}" for n in range(3 + round_ % 4)}
        hosts.write(path, mapping, tag=tag)
    hosts.write(path, {f"final.{tag}.example.test": f"127.0.{tag}.200"}, tag=tag)


def test_concurrent_writers_keep_every_block_whole(tmp_path):
    path = tmp_path / "hosts"
    path.write_text("127.0.0.1 localhost\n", encoding="utf-8")
    tags = [str(10 + n) for n in range(WRITERS)]
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_writer, args=(str(path), tag)) for tag in tags]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    text = path.read_text(encoding="utf-8")
    assert "\x00" not in text
    assert hosts.read_mapping(str(path)) == dict(
        {"localhost": "127.0.0.1"}, **{f"final.{tag}.example.test": f"127.0.{tag}.200" for tag in tags})
    for tag in tags:
        begin, end = hosts._markers(tag)  # pylint: disable=protected-access
        assert text.count(begin) == 1 and text.count(end) == 1
