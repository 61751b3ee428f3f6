"""env_files' inputs are checked, every bad field named, before anything is written."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.env_files import check_files


def test_good_files_come_back_as_bytes_in_order():
    files = [{"path": "/etc/funmagic/web.env", "content": "A=1\n", "mode": "0640"},
             {"path": "/srv/admin.env", "content": "", "mode": "640"}]
    assert check_files(files, 3) == [("/etc/funmagic/web.env", b"A=1\n", "0640"), ("/srv/admin.env", b"", "640")]


def test_every_bad_field_is_named():
    files = [{"path": "web.env", "content": "A", "mode": "0640"},
             {"path": "/etc/f/a.env", "content": None, "mode": "rw"},
             {"path": "/etc/f/a.env", "content": "B", "mode": "0640"}]
    with pytest.raises(ValueError) as error:
        check_files(files, -1)
    message = str(error.value)
    for part in ("keep: must be 0 or more", "files[0].path: must be an absolute file path", "files[1].mode",
                 "files[1].content: required", "files[2].path: /etc/f/a.env is written twice"):
        assert part in message
