# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cache_secrets
author:
  - Funmagic Platform Team (@funmagic)
version_added: 0.3.0
short_description: The AUTH tokens and user passwords kept in AWS Secrets Manager, in the shapes of the vault maps
description:
  - Reads the secrets that C(funmagic.elasticache.generated_secrets) keeps,
    C(<prefix>/elasticache/<instance>/auth-token) for each instance of O(instances) and
    C(<prefix>/elasticache/<instance>/users/<worker>) for each worker of O(users), and returns them as
    C(cache_auth_tokens) and C(cache_user_passwords) are written in vault, so that the roles take either.
  - Each value is read by its staging label (C(GetSecretValue) with C(VersionStage)), never by default.
  - With O(stage=AWSPENDING), a secret with no pending version gives its C(AWSCURRENT) value. During a rotation the
    set is so always complete, whichever secrets already have their next value (a secret added since the rotation
    began, or one whose pending value was promoted or discarded, has only a current one).
  - A secret that does not exist, or that is scheduled for deletion, is an error that names it (never a value).
  - The result holds secrets. Use it only in tasks with C(no_log) (or in a variable they read) and never copy it into
    a fact.
  - "With a term (C(auth_tokens) or C(user_passwords)) the lookup finds the secrets itself: it lists those of
    O(prefix) (C(ListSecrets), leaving out the ones scheduled for deletion) and returns that one map. With
    O(stage=AWSPENDING) it returns only the secrets that have a pending value (a rotation under way). With
    O(source=vault) it returns an empty map without any call: this is how the roles' defaults of
    C(cache_auth_tokens), C(cache_user_passwords) and their C(_next) maps read Secrets Manager when the inventory
    says C(cache_secrets: secretsmanager)."
options:
  _terms:
    description: Not used, or one of C(auth_tokens) and C(user_passwords) to find the secrets by listing them.
    required: false
  prefix:
    description: The name prefix of the environment. Omitted, the variable C(cache_name_prefix).
    type: str
    vars:
      - name: cache_name_prefix
  source:
    description:
      - Where the inventory keeps its secrets (C(cache_secrets)); a term gives an empty map unless it is
        C(secretsmanager). Any other value is left for the preflight to refuse, naming C(cache_secrets).
    type: str
    default: vault
    vars:
      - name: cache_secrets
  instances:
    description: The instances whose AUTH token to read.
    type: list
    elements: str
    default: []
  users:
    description: Instance name to the workers whose user password to read on it.
    type: dict
    default: {}
  stage:
    description: The staging label to read.
    type: str
    choices: [AWSCURRENT, AWSPENDING]
    default: AWSCURRENT
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
"""

EXAMPLES = r"""
- name: The cache role with the AUTH tokens kept in Secrets Manager instead of vault
  ansible.builtin.include_role:
    name: funmagic.elasticache.cache
  vars:
    cache_auth_tokens: >-
      {{ lookup('funmagic.elasticache.cache_secrets', prefix=cache_name_prefix, instances=['main', 'queue'],
                region='eu-west-1').auth_tokens }}

- name: During a rotation, the next passwords (the current one where a secret has none pending)
  funmagic.elasticache.users:
    users: "{{ model.users }}"
    passwords: >-
      {{ model.users | funmagic.elasticache.user_passwords(
           lookup('funmagic.elasticache.cache_secrets', prefix='app', users={'queue': ['web', 'admin']}).user_passwords,
           next_passwords=lookup('funmagic.elasticache.cache_secrets', prefix='app', users={'queue': ['web', 'admin']},
                                 stage='AWSPENDING').user_passwords) }}
  no_log: true
"""

RETURN = r"""
_raw:
  description: One mapping.
  type: list
  elements: dict
  contains:
    auth_tokens:
      description: Instance name to its AUTH token.
      type: dict
    user_passwords:
      description: Instance name to worker name to that worker's user password.
      type: dict
"""

from ansible.errors import AnsibleLookupError

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase

from ansible_collections.funmagic.elasticache.plugins.module_utils import secrets as sm


def read(manager, name, stage):
    """The value of `name` under `stage`; AWSPENDING falls back to AWSCURRENT. Raises SecretsError, or
    AnsibleLookupError naming a missing secret."""
    value = manager.value(name, stage)
    if value is None and stage == sm.PENDING:
        value = manager.value(name, sm.CURRENT)
    if value is None:
        raise AnsibleLookupError("secret %s has no %s value in Secrets Manager (it does not exist, or was made without "
                                 "a value): run funmagic.elasticache.generated_secrets" % (name, sm.CURRENT))
    return value


def collect(manager, prefix, instances, users, stage):
    """{"auth_tokens": {instance: token}, "user_passwords": {instance: {worker: password}}}."""
    try:
        names = sm.cache_secret_names(prefix, instances, users)
    except ValueError as e:
        raise AnsibleLookupError(str(e))
    found = {"auth_tokens": {}, "user_passwords": dict((instance, {}) for instance in users or {})}
    try:
        for name, instance, worker in names:
            if worker is None:
                found["auth_tokens"][instance] = read(manager, name, stage)
            else:
                found["user_passwords"][instance][worker] = read(manager, name, stage)
    except sm.SecretsError as e:
        raise AnsibleLookupError("%s: %s" % (e.message, e.exception) if e.exception else e.message)
    return found


def discover(manager, prefix, term, stage):
    """The one map of `term` (auth_tokens or user_passwords) from the secrets of `prefix` that exist; with stage
    AWSPENDING only those with a pending value."""
    try:
        names = sm.discovered_names(prefix, manager.listed(prefix), stage)
    except ValueError as e:
        raise AnsibleLookupError(str(e))
    instances = [found[1] for found in names if found[2] is None]
    users = {}
    for found in names:
        if found[2] is not None:
            users.setdefault(found[1], []).append(found[2])
    return collect(manager, prefix, instances if term == "auth_tokens" else [],
                   users if term == "user_passwords" else {}, stage)[term]


# The connection, when not given: the inventory's variables that the roles' module_defaults use.
_CONNECTION_VARIABLES = (("region", "aws_region"), ("endpoint_url", "aws_endpoint_url"))


class LookupModule(AWSLookupBase):
    def run(self, terms, variables=None, **kwargs):
        for option, variable in _CONNECTION_VARIABLES:
            if option not in kwargs and (variables or {}).get(variable):
                kwargs[option] = self._templar.template(variables[variable])
        term = terms[0] if terms else None
        if term not in (None, "auth_tokens", "user_passwords") or len(terms or []) > 1:
            raise AnsibleLookupError("cache_secrets: the term must be auth_tokens or user_passwords, got %r" % terms)
        super().run(terms, variables, **kwargs)
        if term and self.get_option("source") != "secretsmanager":
            return [{}]
        if not self.get_option("prefix"):
            raise AnsibleLookupError("cache_secrets: prefix is not set (nor cache_name_prefix)")
        manager = sm.SecretsManager(self.client("secretsmanager", AWSRetry.jittered_backoff()))
        if term:
            try:
                return [discover(manager, self.get_option("prefix"), term, self.get_option("stage"))]
            except sm.SecretsError as e:
                raise AnsibleLookupError("%s: %s" % (e.message, e.exception) if e.exception else e.message)
        return [collect(manager, self.get_option("prefix"), self.get_option("instances"), self.get_option("users"),
                        self.get_option("stage"))]
