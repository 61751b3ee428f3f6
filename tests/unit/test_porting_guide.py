"""The porting guide lists exactly the removed variables the preflight refuses (plugin_utils/specs.py REMOVED)."""

from __future__ import annotations

import os
import re

from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import REMOVED

GUIDE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "docs", "docsite", "rst", "porting_guide.rst")


def test_the_porting_guide_has_one_row_per_removed_variable_with_its_version_and_replacement():
    with open(GUIDE, encoding="utf-8") as handle:
        rows = dict((m.group(1), (m.group(2), m.group(3).strip()))
                    for m in re.finditer(r"^``([\w.]+)``\s+(\d+\.\d+\.\d+)\s+(.+)$", handle.read(), re.M))
    assert rows == REMOVED
