"""file_backups: removes the older backups on disk, only those, and changes nothing in check mode."""

from __future__ import annotations

import os

from ansible_collections.funmagic.elasticache.plugins.modules import file_backups
from tests.unit.plugins.modules.fake_aws import FakeAWS


def backup(directory, name, version):
    path = directory / ("%s.%d.2026-12-04@10:00:%02d~" % (name, 100 + version, version))
    path.write_text("REDIS_URL=rediss://default:token-%d@h:6379\n" % version)
    os.utime(path, ns=(version * 10**9, version * 10**9))
    return str(path)


def env_dir(tmp_path):
    directory = tmp_path / "funmagic"
    directory.mkdir()
    (directory / "web.env").write_text("REDIS_URL=rediss://default:token-9@h:6379\n")
    (directory / "notes.txt").write_text("kept\n")
    web = [backup(directory, "web.env", version) for version in (1, 2, 3)]
    admin = [backup(directory, "admin.env", version) for version in (4, 5)]
    return directory, web, admin


def test_the_newest_backups_of_each_file_are_kept_and_the_others_removed(tmp_path):
    directory, web, admin = env_dir(tmp_path)
    failed, result = FakeAWS().run(file_backups.main, {"paths": [str(directory / "web.env"),
                                                                 str(directory / "admin.env")], "keep": 1},
                                   region=None)
    assert not failed and result["changed"] is True
    assert result["removed"] == [web[1], web[0], admin[0]] and result["kept"] == [web[2], admin[1]]
    assert sorted(os.listdir(directory)) == sorted(["web.env", "notes.txt", os.path.basename(web[2]),
                                                    os.path.basename(admin[1])])
    failed, result = FakeAWS().run(file_backups.main, {"paths": [str(directory / "web.env")], "keep": 1}, region=None)
    assert not failed and result["changed"] is False and result["removed"] == []


def test_keep_0_removes_every_backup_and_check_mode_only_says_so(tmp_path):
    directory, web, _admin = env_dir(tmp_path)
    args = {"paths": [str(directory / "web.env")], "keep": 0}
    failed, result = FakeAWS().run(file_backups.main, args, check_mode=True, region=None)
    assert not failed and result["changed"] is True and result["removed"] == web[::-1]
    assert all(os.path.exists(path) for path in web)
    failed, result = FakeAWS().run(file_backups.main, args, region=None)
    assert not failed and not any(os.path.exists(path) for path in web)
    assert result["diff"] == {"before": {"backups": sorted(web)}, "after": {"backups": []}}


def test_a_missing_directory_has_no_backups_and_a_negative_count_is_refused(tmp_path):
    failed, result = FakeAWS().run(file_backups.main, {"paths": [str(tmp_path / "none" / "web.env")], "keep": 1},
                                   region=None)
    assert not failed and result["changed"] is False and result["removed"] == result["kept"] == []
    failed, result = FakeAWS().run(file_backups.main, {"paths": [str(tmp_path / "web.env")], "keep": -1}, region=None)
    assert failed and result["msg"] == "keep: must be 0 or more, got -1"
