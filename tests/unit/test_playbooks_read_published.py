"""Playbooks only arrange: they read what a role publishes (documented in its README), never a role's internals.

A role's registers (`__role_*`) and internal variables (`_role_*`) can be renamed inside the role at any time; a
playbook that read them would break without a test noticing. Every such name a playbook uses must be defined in
that playbook itself (its own `register:` or `vars:`).
"""

from __future__ import annotations

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(ROOT, "playbooks")
_PRIVATE = re.compile(r"(?<![\w.])(_{1,2}[a-z]\w*)")
_DEFINED = re.compile(r"^\s*(?:register:\s*|-?\s*)(_{1,2}[a-z]\w*)\s*(?::|$)", re.M)


def private_names_read_from_elsewhere(text: str) -> list[str]:
    """The private names the playbook text uses that it does not define itself."""
    defined = set(_DEFINED.findall(text))
    return sorted(set(_PRIVATE.findall(text)) - defined)


def test_the_check_sees_a_role_register():
    assert private_names_read_from_elsewhere("msg: '{{ __cache_wait.results }}'\n") == ["__cache_wait"]
    assert private_names_read_from_elsewhere("register: __mine\nmsg: '{{ __mine.msg }}'\n") == []


@pytest.mark.parametrize("playbook", sorted(p for p in os.listdir(PLAYBOOKS) if p.endswith(".yml")))
def test_a_playbook_reads_no_role_internals(playbook):
    with open(os.path.join(PLAYBOOKS, playbook), encoding="utf-8") as handle:
        assert private_names_read_from_elsewhere(handle.read()) == []
