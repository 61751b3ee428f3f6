#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: file_backups
short_description: Keep the newest backups that Ansible's backup option made of files, remove the others
version_added: 0.2.0
description:
  - Runs on the host that holds the files, with Python's standard library only.
  - A module run with C(backup=true) (C(ansible.builtin.copy), C(ansible.builtin.template), ...) leaves the file it
    replaced beside it, as C(<file>.<pid>.<YYYY-MM-DD@HH:MM:SS>~). For each file of I(paths), this keeps the newest
    I(keep) of those backups and removes the older ones. Other files are never touched.
  - An env file's backups hold the tokens it held before; the client role keeps C(client_env_backups) of them, and
    the auth role removes them all once a rotation has retired the token they hold.
author:
  - Funmagic Platform Team (@funmagic)
options:
  paths:
    description: The files whose backups are pruned. A file or directory that does not exist has no backups.
    type: list
    elements: path
    required: true
  keep:
    description: How many backups of each file to keep, the newest ones (by modification time). C(0) removes them all.
    type: int
    required: true
notes:
  - Supports check mode and diff mode.
"""

EXAMPLES = r"""
- name: Keep the last backup of each env file
  funmagic.elasticache.file_backups:
    paths: [/etc/funmagic/web.env, /etc/funmagic/admin.env]
    keep: 1
"""

RETURN = r"""
removed:
  description: The backups removed (in check mode, those that would be), newest first for each file.
  returned: always
  type: list
  elements: str
  sample: [/etc/funmagic/web.env.4242.2026-12-04@10:15:02~]
kept:
  description: The backups kept, newest first for each file.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.file_backups import prune


def main():
    module = AnsibleModule(
        argument_spec=dict(
            paths=dict(type="list", elements="path", required=True),
            keep=dict(type="int", required=True),
        ),
        supports_check_mode=True,
    )
    try:
        removed, kept = prune(module.params["paths"], module.params["keep"], module.check_mode)
    except ValueError as e:
        module.fail_json(msg=str(e))
    except OSError as e:
        module.fail_json(msg="Could not prune the backups of %s: %s" % (", ".join(module.params["paths"]), e))
    module.exit_json(changed=bool(removed), removed=removed, kept=kept,
                     diff={"before": {"backups": sorted(removed + kept)}, "after": {"backups": sorted(kept)}})


if __name__ == "__main__":
    main()
