# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backups that Ansible's backup option leaves beside a file, and which of them to remove."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import stat

# What ansible-core's backup_local() appends to the file's name: .<pid>.<YYYY-MM-DD@HH:MM:SS>~ (local time).
_SUFFIX = r"\.\d+\.(\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2})~"


def backups(path, entries):
    """The backups of `path`, newest first.

    entries: name -> modification time of the files in the directory of `path`. A backup keeps the modification
    time of the file it copied, so each is newer than the one before it, to the nanosecond; the time in the name
    (to the second) breaks a tie.
    """
    pattern = re.compile(re.escape(os.path.basename(path)) + _SUFFIX + r"\Z")
    found = [(mtime, pattern.match(name).group(1), name) for name, mtime in entries.items() if pattern.match(name)]
    return [name for _mtime, _stamp, name in sorted(found, reverse=True)]


def partition(path, entries, keep):
    """(kept, expired): the newest `keep` backups of `path` and the older ones, names newest first."""
    if keep < 0:
        raise ValueError("keep: must be 0 or more, got %d" % keep)
    found = backups(path, entries)
    return found[:keep], found[keep:]


def entries(directory):
    """name -> modification time of the regular files in `directory` (none when it does not exist)."""
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return {}
    found = {}
    for name in names:
        status = os.lstat(os.path.join(directory, name))
        if stat.S_ISREG(status.st_mode):
            found[name] = status.st_mtime_ns
    return found


def prune(paths, keep, check_mode):
    """(removed, kept), the backups' paths, newest first for each file."""
    removed, kept = [], []
    for path in paths:
        directory = os.path.dirname(path)
        newest, older = partition(path, entries(directory), keep)
        kept.extend(os.path.join(directory, name) for name in newest)
        for name in older:
            if not check_mode:
                os.unlink(os.path.join(directory, name))
            removed.append(os.path.join(directory, name))
    return removed, kept
