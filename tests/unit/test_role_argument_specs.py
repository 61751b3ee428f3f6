"""Every role input is declared once: defaults/main.yml and meta/argument_specs.yml agree, with descriptions
(a required input, such as failover_drill_instance, has no default).

funmagic.elasticache.inputs reads both files to check an inventory before the roles run, so they must
hold plain values (no Jinja) and the same defaults; the one exception is the secret maps, whose default reads
Secrets Manager through the cache_secrets lookup (empty with cache_secrets: vault, the argument spec's default).
"""

import os

import pytest
import yaml

from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import SECRET_MAPS

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")


def _load(role, *path):
    with open(os.path.join(ROLES, role, *path), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _options(role):
    return _load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]


def _walk(options, path=""):
    for name, spec in options.items():
        yield path + name, spec
        yield from _walk(spec.get("options") or {}, path + name + ".")


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
def test_defaults_and_argument_specs_agree(role):
    defaults = _load(role, "defaults", "main.yml") or {}
    options = _options(role)
    required = {name for name, spec in options.items() if spec.get("required")}
    assert set(defaults) == set(options) - required
    assert not any("default" in options[name] for name in required)
    assert all(name.startswith(role + "_") for name in options)
    for name, value in defaults.items():
        if name in SECRET_MAPS:
            assert options[name].get("default") == {}, name
            assert value == "{{ lookup('funmagic.elasticache.cache_secrets', '%s'%s) }}" % (
                name[len("cache_"):].replace("_next", ""), ", stage='AWSPENDING'" if name.endswith("_next") else ""), name
            continue
        assert options[name].get("default") == value, name
        assert "{{" not in repr(value), "%s: a default must be a plain value" % name


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
def test_every_option_is_described(role):
    for path, spec in _walk(_options(role)):
        assert spec.get("description"), "%s: %s has no description" % (role, path)
        assert spec.get("type"), "%s: %s has no type" % (role, path)


def test_every_field_of_cache_defaults_has_a_default_and_instances_accept_each():
    options = _options("cache")
    fields = options["cache_defaults"]["options"]
    assert all("default" in spec for spec in fields.values())
    instance = options["cache_instances"]["options"]
    assert set(fields) <= set(instance)
    assert all(instance[name]["type"] == fields[name]["type"] for name in fields)
    assert not any("default" in spec for spec in instance.values()), "instance fields fall back to cache_defaults"


def test_no_variable_is_declared_by_two_roles():
    seen = {}
    for role in sorted(os.listdir(ROLES)):
        for name in _options(role):
            assert name not in seen, "%s is declared by %s and %s" % (name, seen.get(name), role)
            seen[name] = role
