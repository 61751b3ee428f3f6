# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' declared inputs, and the preflight's one check of their types.

Types, choices, nested keys and defaults are declared once, in roles/*/meta/argument_specs.yml and
roles/*/defaults/main.yml. ansible-core checks a role's arguments when that role starts, which is too late for
a playbook whose earlier roles already changed AWS, and its messages do not say which list item is wrong: the
preflight converts every input here first, naming each problem by its path
("cache_instances[1] (queue).replicas: must be a whole number, got 'x'"), with a suggestion for a misspelt key.
The rules that follow (plugin_utils/rules.py) take the converted values and do not check types again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import os

import yaml

from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.common.validation import check_type_float
from ansible.module_utils.common.validation import check_type_int
from ansible.module_utils.common.validation import check_type_list
from ansible.module_utils.six import string_types

try:
    from ansible.template import trust_as_template  # ansible-core 2.19: only trusted strings are templated
except ImportError:  # 2.18 templates every string
    def trust_as_template(value):
        return value

ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
_CHECKERS = {
    "int": check_type_int,
    "bool": check_type_bool,
    "float": check_type_float,
    "dict": check_type_dict,
    "list": check_type_list,
}


# Inputs that are gone: variable (or a key of a mapping, as "<mapping>.<key>") -> (the version that removed it,
# what to do instead). An inventory that still sets one is refused, naming where it went, instead of running as if
# it were not there. docs/docsite/rst/porting_guide.rst lists the same rows (a unit test keeps them equal).
REMOVED = {
    "network_redis_port": ("0.2.0", "set cache_port: one port for the security group rule and the replication groups"),
    "cache_subnet_group": ("0.2.0", "set network_subnet_group (default <prefix>-redis-subnet), the network role's "
                                    "subnet group, which the cache role uses"),
    "cache_security_groups": ("0.2.0", "set network_redis_security_group (default <prefix>-redis-sg), the network "
                                       "role's security group, which the cache role uses"),
    "client_cache_defaults": ("0.2.0", "remove it: the client role reads cache_defaults"),
    "client_cache_instances": ("0.2.0", "remove it: the client role reads cache_instances"),
    "client_cache_name_prefix": ("0.2.0", "remove it: the client role reads cache_name_prefix"),
    "client_instances": ("0.2.0", "remove it: the client role takes the instances from cache_instances and the "
                                  "endpoints from AWS"),
    "monitoring_instances": ("0.2.0", "remove it: the monitoring role takes the instances from cache_instances"),
    "cache_defaults.auth_token": ("0.2.0", "move the token to cache_auth_tokens (instance name to token, from vault)"),
    "cache_instances.auth_token": ("0.2.0", "move the token to cache_auth_tokens.<instance name> (from vault)"),
}


def removed(names):
    """Errors for the removed variables among `names`, each naming what to do instead."""
    return ["%s: was removed in %s; %s" % (name, REMOVED[name][0], REMOVED[name][1])
            for name in sorted(names) if name in REMOVED]


# The only defaults that are templates: the secret maps, which read Secrets Manager through the cache_secrets lookup
# when cache_secrets is secretsmanager (plugin_utils/secret_store.py) and are empty otherwise. Where a role runs, the
# preflight reads them templated from the play; elsewhere it takes their argument spec default, the empty map.
SECRET_MAPS = ("cache_auth_tokens", "cache_auth_tokens_next", "cache_user_passwords", "cache_user_passwords_next")


def role_declarations(roles_dir=ROLES_DIR):
    """(specs, defaults) of every role input, from the roles' meta/argument_specs.yml and defaults/main.yml."""
    specs, defaults = {}, {}
    for role in sorted(os.listdir(roles_dir)):
        spec_file = os.path.join(roles_dir, role, "meta", "argument_specs.yml")
        if not os.path.exists(spec_file):
            continue
        with open(spec_file, encoding="utf-8") as handle:
            specs.update(yaml.safe_load(handle)["argument_specs"]["main"]["options"])
        with open(os.path.join(roles_dir, role, "defaults", "main.yml"), encoding="utf-8") as handle:
            defaults.update(yaml.safe_load(handle) or {})
    defaults.update((name, specs[name].get("default")) for name in SECRET_MAPS if name in specs)
    return specs, defaults


def secret_map_templates(roles_dir=ROLES_DIR):
    """The cache role's defaults of the secret maps as written (lookup templates), for the preflight to template
    where the play does not have them."""
    with open(os.path.join(roles_dir, "cache", "defaults", "main.yml"), encoding="utf-8") as handle:
        written = yaml.safe_load(handle) or {}
    return dict((name, trust_as_template(written[name])) for name in SECRET_MAPS if name in written)


class InputError(ValueError):
    """Every problem found, one message per line; each message starts with the variable path."""

    def __init__(self, errors):
        self.errors = list(errors)
        super(InputError, self).__init__("\n".join(self.errors))


def suggestion(word, candidates):
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return " (did you mean %s?)" % close[0] if close else ""


def _str(value):
    if not isinstance(value, string_types):
        raise TypeError("%r is not a string" % (value,))
    return value


def convert(value, spec, path, errors):
    """`value` converted and checked against an argument_specs entry; problems appended to errors.

    Unknown keys of dict options are refused with a suggestion. Suboption defaults are not applied: that
    is merge_defaults()'s job, for the one option that has them (cache_defaults).
    """
    kind = spec.get("type", "str")
    if value is None:
        return None
    try:
        if kind in ("str", "path"):
            value = _str(value)
        elif kind in _CHECKERS:
            value = _CHECKERS[kind](value)
    except (TypeError, ValueError):
        # Not ansible-core's reason: it names its own string class (_AnsibleTaggedStr); the value says enough.
        shown = "a value that is not shown (it is secret)" if spec.get("no_log") else repr(value)
        errors.append("%s: must be %s, got %s" % (path, _KIND_NAMES.get(kind, kind), shown))
        return None
    if spec.get("choices") and kind != "list" and value not in spec["choices"]:
        choices = [str(c) for c in spec["choices"]]
        errors.append("%s: must be one of %s, got %r%s" % (path, ", ".join(choices), value, suggestion(value, choices)))
    if kind == "list":
        element = dict(spec, type=spec.get("elements", "raw"))
        element.pop("elements", None)
        return [convert(item, element, "%s[%d]%s" % (path, index, label(item)), errors)
                for index, item in enumerate(value)]
    if kind == "dict" and spec.get("options"):
        return _convert_options(value, spec["options"], path, errors)
    return value


def _convert_options(value, options, path, errors):
    result = {}
    for key in sorted(value, key=str):
        if key not in options:
            gone = REMOVED.get("%s.%s" % (path.split("[", 1)[0], key))
            if gone:
                errors.append("%s: %r was removed in %s; %s" % (path, key, gone[0], gone[1]))
                continue
            known = ", ".join(sorted(options))
            errors.append("%s: unknown key %r%s; known keys: %s" % (path, key, suggestion(key, options), known))
            continue
        result[key] = convert(value[key], options[key], "%s.%s" % (path, key), errors)
    for key, spec in sorted(options.items()):
        if spec.get("required") and value.get(key) in (None, ""):
            errors.append("%s.%s: is required" % (path, key))
    return result


_KIND_NAMES = {"int": "a whole number", "bool": "true or false", "dict": "a mapping", "list": "a list",
               "str": "a string", "path": "a path", "float": "a number"}


def merge_defaults(options, value):
    """The user's mapping over the defaults its argument_specs declare (cache_defaults)."""
    merged = dict((key, spec["default"]) for key, spec in options.items() if "default" in spec)
    merged.update(dict((k, v) for k, v in (value or {}).items() if v is not None))
    return merged


def converted(variables, specs, names, errors):
    """The variables `names` converted by their argument specs (unknown nested keys refused)."""
    result = dict(variables)
    for name in names:
        if name in variables:
            result[name] = convert(variables[name], specs[name], name, errors)
    return result


def label(item):
    """" (name)" of a list item that has a name, for error paths."""
    name = item.get("name") if isinstance(item, dict) else None
    return " (%s)" % name if isinstance(name, string_types) and name else ""
