# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The public filter of RBAC: the passwords of each ElastiCache user, from the vault's maps."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rbac


def user_passwords(users, passwords, tokens=None, next_passwords=None):
    try:
        return rbac.user_passwords(users, passwords, tokens, next_passwords)
    except (ValueError, TypeError, KeyError) as e:
        raise AnsibleFilterError("user_passwords: %s" % e)


class FilterModule(object):
    def filters(self):
        return {"user_passwords": user_passwords}
