# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """How long the modules with a `wait` option wait, and how often they look. Each module documents `wait` itself,
    as what it waits for differs (a replication group available, users active, a failover done)."""

    DOCUMENTATION = r"""
options:
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 1800
  wait_delay:
    description: Seconds between two status checks while waiting.
    type: int
    default: 15
"""
