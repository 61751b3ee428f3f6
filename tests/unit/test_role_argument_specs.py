"""Every role's defaults and meta/argument_specs.yml list the same keys."""

import os

import pytest
import yaml

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
def test_defaults_and_argument_specs_agree(role):
    with open(os.path.join(ROLES, role, "defaults", "main.yml"), encoding="utf-8") as handle:
        defaults = set(yaml.safe_load(handle) or {})
    with open(os.path.join(ROLES, role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = set(yaml.safe_load(handle)["argument_specs"]["main"]["options"])
    assert defaults == specs
    assert all(name.startswith(role + "_") for name in defaults)
