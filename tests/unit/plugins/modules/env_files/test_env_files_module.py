"""env_files: every file of a host in one execution, written whole with its mode, backups pruned, no secret returned."""

from __future__ import annotations

import grp
import os
import pwd
import stat

from ansible_collections.funmagic.elasticache.plugins.modules import env_files
from tests.unit.plugins.modules.fake_aws import FakeAWS

TOKEN = "Env-Files-Token-0123456789"


def args(directory, keep=3, content="REDIS_URL=rediss://default:%s@h:6379\n" % TOKEN):
    return {"directory": str(directory), "owner": pwd.getpwuid(os.getuid()).pw_name,
            "group": grp.getgrgid(os.getgid()).gr_name, "keep": keep,
            "files": [{"path": str(directory / "web.env"), "content": content, "mode": "0640"},
                      {"path": str(directory / "admin.env"), "content": "A=1\n", "mode": "0600"}]}


def run(params, check_mode=False):
    if check_mode:
        params = dict(params, _ansible_check_mode=True)
    return FakeAWS().run(env_files.main, params, region=None)


def test_the_directory_and_every_file_are_written_with_their_modes_then_nothing_changes(tmp_path):
    directory = tmp_path / "funmagic"
    failed, result = run(args(directory))
    assert not failed and result["changed"] and len(result["written"]) == 2
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(directory / "web.env").st_mode) == 0o640
    assert stat.S_IMODE(os.stat(directory / "admin.env").st_mode) == 0o600
    assert (directory / "web.env").read_text() == "REDIS_URL=rediss://default:%s@h:6379\n" % TOKEN
    assert TOKEN not in str(result)
    failed, result = run(args(directory))
    assert not failed and not result["changed"] and result["written"] == []


def test_a_changed_file_is_replaced_whole_its_backup_kept_and_older_ones_pruned(tmp_path):
    directory = tmp_path / "funmagic"
    for number in range(3):
        run(args(directory, keep=1, content="A=%d\n" % number))
    names = sorted(os.listdir(directory))
    assert len([n for n in names if n.startswith("web.env.")]) == 1  # keep 1: one backup of the two made
    assert not any(n.startswith(".web.env.") for n in names)  # no temporary file left
    assert (directory / "web.env").read_text() == "A=2\n"


def test_check_mode_writes_nothing_and_names_the_files(tmp_path):
    directory = tmp_path / "funmagic"
    failed, result = run(args(directory), check_mode=True)
    assert not failed and result["changed"] and not directory.exists()
    assert result["written"] == [str(directory / "web.env"), str(directory / "admin.env")]


def test_a_mode_only_change_is_fixed_without_rewriting(tmp_path):
    directory = tmp_path / "funmagic"
    run(args(directory))
    os.chmod(directory / "web.env", 0o644)
    failed, result = run(args(directory))
    assert not failed and result["written"] == [str(directory / "web.env")]
    assert stat.S_IMODE(os.stat(directory / "web.env").st_mode) == 0o640


def test_bad_input_is_refused_naming_the_field_before_anything_is_written(tmp_path):
    directory = tmp_path / "funmagic"
    params = args(directory)
    params["files"][1]["mode"] = "rw-r-----"
    failed, result = run(params)
    assert failed and "files[1].mode" in result["msg"] and not directory.exists()
