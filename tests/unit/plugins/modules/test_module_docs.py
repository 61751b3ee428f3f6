"""Every module's DOCUMENTATION, EXAMPLES and RETURN is YAML (a colon and a space inside a plain scalar is not), so
`make quick` catches what ansible-doc, ansible-lint and validate-modules would refuse."""

from __future__ import annotations

import ast
import glob
import os

import pytest
import yaml

MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))), "plugins", "modules")


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(MODULES, "*.py"))), ids=os.path.basename)
def test_the_documentation_blocks_are_yaml(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    blocks = dict((node.targets[0].id, node.value.value) for node in tree.body if isinstance(node, ast.Assign)
                  and getattr(node.targets[0], "id", None) in ("DOCUMENTATION", "EXAMPLES", "RETURN"))
    assert set(blocks) == {"DOCUMENTATION", "EXAMPLES", "RETURN"}
    for name, text in blocks.items():
        assert yaml.safe_load(text) is not None, name
