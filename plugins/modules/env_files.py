#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: env_files
short_description: Write all the env files of a host in one execution, each atomically, and prune their backups
version_added: 0.4.0
description:
  - Creates I(directory) (owner, group, mode) when needed, then writes each of I(files) whose content, mode or
    ownership differs, through a temporary file in the same directory renamed over the old one, so that a reader
    never sees a file half written. The previous file is kept as a backup (as the copy module's backup option
    names it) when I(keep) is 1 or more, and only the newest I(keep) backups of each file stay.
  - The contents hold tokens and passwords; they are never returned. The diff names the files that change.
  - The client role writes every worker's env file with it; it is the one execution that replaces a directory task,
    a copy per worker and file_backups.
author:
  - Funmagic Platform Team (@funmagic)
options:
  directory:
    description: The directory of the files, created with I(owner), I(group) and mode 0750 when missing.
    type: path
    required: true
  files:
    description:
      - The files to write, each a dict with I(path) (absolute, in an existing directory or in I(directory)),
        I(content) and I(mode) (for example 0640).
    type: list
    elements: dict
    required: true
  owner:
    description: Owner of the directory and of each file.
    type: str
    required: true
  group:
    description: Group of the directory and of each file.
    type: str
    required: true
  keep:
    description: How many backups of each file to keep; 0 writes no backup and removes the existing ones.
    type: int
    default: 3
notes:
  - Supports check mode, which writes nothing and says which files would change.
"""

EXAMPLES = r"""
- name: Write the web and admin workers' env files
  funmagic.elasticache.env_files:
    directory: /etc/funmagic
    owner: root
    group: app
    keep: 3
    files:
      - {path: /etc/funmagic/web.env, content: "REDIS_URL=...\n", mode: "0640"}
      - {path: /etc/funmagic/admin.env, content: "REDIS_URL=...\n", mode: "0640"}
  no_log: true
"""

RETURN = r"""
written:
  description: The files whose content, mode or ownership changed (or would change, in check mode).
  returned: always
  type: list
  elements: str
removed:
  description: The backups removed.
  returned: always
  type: list
  elements: str
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.env_files import check_files
from ansible_collections.funmagic.elasticache.plugins.module_utils.file_backups import prune


def current(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def attributes(module, path, mode, changed=False):
    p = module.params
    args = module.load_file_common_arguments({"path": path, "mode": mode, "owner": p["owner"], "group": p["group"]})
    return module.set_fs_attributes_if_different(args, changed)


def write(module, path, content, mode):
    """Write `content` beside `path`, then rename it over `path` (backup first), then set its mode and owner.

    atomic_move gives a new file the umask's mode: with umask 077 no one else can read it before its mode is set."""
    if module.params["keep"] > 0 and os.path.exists(path):
        module.backup_local(path)
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".%s." % os.path.basename(path))
    umask = os.umask(0o077)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        module.atomic_move(temporary, path, unsafe_writes=False)
    finally:
        os.umask(umask)
        if os.path.exists(temporary):
            os.unlink(temporary)
    attributes(module, path, mode, True)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            directory=dict(type="path", required=True),
            files=dict(type="list", elements="dict", required=True, no_log=False),
            owner=dict(type="str", required=True),
            group=dict(type="str", required=True),
            keep=dict(type="int", default=3),
        ),
        supports_check_mode=True,
    )
    p = module.params
    for item in p["files"]:
        if item.get("content"):
            module.no_log_values.add(item["content"])
    try:
        files = check_files(p["files"], p["keep"])
    except ValueError as e:
        module.fail_json(msg=str(e))
    check = module.check_mode
    changed = not os.path.isdir(p["directory"])
    if changed and not check:
        os.makedirs(p["directory"])
    if os.path.isdir(p["directory"]):
        changed = attributes(module, p["directory"], "0750", changed)
    written = []
    for path, content, mode in files:
        if current(path) != content:
            written.append(path)
            if not check:
                write(module, path, content, mode)
        elif attributes(module, path, mode):
            written.append(path)
    removed = []
    if os.path.isdir(p["directory"]):
        removed, _kept = prune([path for path, _c, _m in files], p["keep"], check)
    module.exit_json(changed=bool(changed or written or removed), written=written, removed=removed,
                     diff={"before": {"changed": [], "removed backups": removed},
                           "after": {"changed": written, "removed backups": []}})


if __name__ == "__main__":
    main()
