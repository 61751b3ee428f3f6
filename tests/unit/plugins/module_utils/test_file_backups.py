"""file_backups: which of the backups Ansible's backup option made of a file are kept, after any number of writes."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.file_backups import backups
from ansible_collections.funmagic.elasticache.plugins.module_utils.file_backups import partition

PATH = "/etc/funmagic/web.env"


def written(times):
    """The directory after the file was written `times` times with backup=true, one write a second: the file
    and a backup of each earlier version (named for the write that replaced it, with that version's mtime)."""
    entries = {"web.env": times * 10**9}
    for version in range(1, times):
        entries["web.env.%d.2026-12-04@10:00:%02d~" % (4000 + version, version + 1)] = version * 10**9
    return entries


@pytest.mark.parametrize("writes, keep, kept", [
    (1, 1, 0), (2, 1, 1), (5, 1, 1), (5, 3, 3), (5, 0, 0), (3, 5, 2),
])
def test_after_k_writes_only_the_newest_n_backups_remain(writes, keep, kept):
    newest, older = partition(PATH, written(writes), keep)
    assert len(newest) == kept and len(newest) + len(older) == writes - 1
    # the versions before the last write, newest first: the kept ones are the last written
    assert newest == ["web.env.%d.2026-12-04@10:00:%02d~" % (4000 + v, v + 1)
                      for v in range(writes - 1, writes - 1 - kept, -1)]


def test_the_modification_time_orders_backups_and_the_name_breaks_a_tie():
    entries = {"web.env.9.2026-12-04@10:00:05~": 5, "web.env.8.2026-12-04@10:00:09~": 7,  # a clock set back
               "web.env.7.2026-12-04@10:00:01~": 5}
    assert backups(PATH, entries) == ["web.env.8.2026-12-04@10:00:09~", "web.env.9.2026-12-04@10:00:05~",
                                      "web.env.7.2026-12-04@10:00:01~"]


def test_only_the_backups_of_that_file_are_candidates():
    entries = {"web.env": 9, "admin.env.1.2026-12-04@10:00:00~": 1, "web.envx.1.2026-12-04@10:00:00~": 1,
               "web.env.1.2026-12-04@10:00:00~.swp": 1, "web.env.bak": 1, "web.env.x.2026-12-04@10:00:00~": 1,
               "web.env.12.2026-12-04@10:00:00~": 2}
    assert backups(PATH, entries) == ["web.env.12.2026-12-04@10:00:00~"]
    assert backups("/etc/funmagic/web", {"web.env.1.2026-12-04@10:00:00~": 1}) == []


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="keep: must be 0 or more, got -1"):
        partition(PATH, written(3), -1)
