# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the tokens and passwords live: `cache_secrets: vault` (the inventory's maps, the default) or
`secretsmanager` (the collection generates each one into AWS Secrets Manager, and the roles' defaults of the same
maps read them back through the cache_secrets lookup).

With secretsmanager the inventory holds no secret: every instance with access token and TLS gets a generated AUTH
token, every RBAC user of a worker a generated password. The checks that a vault map is complete do not apply (the
access role generates what is missing before the cache role needs it), nor the checks of a rotation's new values
(playbooks/rotate_auth.yml generates them under AWSPENDING).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.module_utils import secrets

SOURCES = ("vault", "secretsmanager")


def generated(values):
    """Whether the secrets are generated into Secrets Manager."""
    return values.get("cache_secrets") == "secretsmanager"


def gets_token(spec):
    """Whether an instance gets a generated AUTH token: access token over TLS (ElastiCache takes a token over TLS
    only; a plain instance has none, as with vault)."""
    return spec.get("access") == "token" and bool(spec.get("transit_encryption"))


def model(values, prefix, instances, users):
    """The model's `secrets`: the source, and with secretsmanager each secret to generate (name, description), for
    funmagic.elasticache.generated_secrets. users: the RBAC model's users (the default user has no secret of its
    own: during a move from AUTH it carries the instance's token)."""
    source = values.get("cache_secrets") or "vault"
    if source != "secretsmanager":
        return {"source": source, "secrets": []}
    tokens = [spec["name"] for spec in instances if gets_token(spec)]
    workers = {}
    for user in users or []:
        if not user.get("default"):
            workers.setdefault(user["instance"], []).append(user["worker"])
    by_group = dict((spec["name"], spec["replication_group_id"]) for spec in instances)
    listed = []
    for name, instance, worker in secrets.cache_secret_names(prefix, tokens, workers):
        what = ("AUTH token of %s" % by_group[instance] if worker is None
                else "Password of user %s-%s" % (by_group[instance], worker.lower()))
        listed.append({"name": name, "description": what})
    return {"source": source, "secrets": listed}


def pending_errors(values, rotation):
    """With secretsmanager, values left under AWSPENDING outside a rotation: a rotation was interrupted, and the
    other playbooks wait until rotate_auth.yml finishes it (no value in the message)."""
    if not generated(values) or rotation:
        return []
    prefix = values.get("cache_name_prefix") or ""
    names = [secrets.auth_token_name(prefix, instance)
             for instance in sorted(values.get("cache_auth_tokens_next") or {})]
    for instance, workers in sorted((values.get("cache_user_passwords_next") or {}).items()):
        names.extend(secrets.user_password_name(prefix, instance, worker) for worker in sorted(workers or {}))
    return ["secret %s: has a new value under AWSPENDING, so a rotation is under way; finish it with "
            "playbooks/rotate_auth.yml" % name for name in names]
