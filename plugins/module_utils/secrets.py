# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets Manager for the collection's tokens and passwords: their names, their characters, their stages.

Shared by the generated_secrets module and the cache_secrets lookup. No function here returns, logs or puts in a
message a secret value: a value only leaves SecretsManager.generate() and SecretsManager.value(), and `hide` (the
module's no_log_values) sees it first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import string
import uuid

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    BotoCoreError = ClientError = None  # AnsibleAWSModule / AWSLookupBase report the missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation

CURRENT, PENDING, PREVIOUS = "AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"
# The characters both ElastiCache rules accept, so one value serves as an AUTH token or as a user password:
# - AuthToken (ElastiCache API reference, CreateReplicationGroup): printable ASCII, 16 to 128 characters, and of the
#   special characters only ! & # $ ^ < > - (module_utils/validation.py auth_token).
# - User passwords (ElastiCache user guide, RBAC, "Creating users and user groups"): 16 to 128 printable characters,
#   not , " / @.
# The first set lies inside the second. GetRandomPassword draws from letters, digits and string.punctuation (the
# same 32 characters as Secrets Manager's punctuation), so every punctuation character but those eight is excluded.
ELASTICACHE_PUNCTUATION = "!&#$^<>-"
EXCLUDE_CHARACTERS = "".join(c for c in string.punctuation if c not in ELASTICACHE_PUNCTUATION)
MIN_LENGTH, MAX_LENGTH = 32, 128
# DeleteSecret RecoveryWindowInDays accepts 7 to 30.
MIN_RECOVERY_DAYS, MAX_RECOVERY_DAYS = 7, 30
# Secrets Manager CreateSecret Name: ASCII letters, digits and / _ + = . @ -, at most 512 characters.
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
_NAME_PART = re.compile(r"^[A-Za-z0-9_+=.@-]+$")
_KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]*:[0-9]*:(.+)$")


class SecretsError(AnsibleAWSError):
    """A Secrets Manager call failed or answered something unusable; the message names the secret, never a value."""


# --- names --------------------------------------------------------------------------------------------------------

def _part(value, what):
    if not isinstance(value, str) or not _NAME_PART.match(value):
        raise ValueError("%s %r cannot be part of a secret name: use letters, digits and _ + = . @ - only"
                         % (what, value))
    return value


def auth_token_name(prefix, instance):
    """The secret that holds an instance's AUTH token."""
    return "%s/elasticache/%s/auth-token" % (_part(prefix, "prefix"), _part(instance, "instance"))


def user_password_name(prefix, instance, worker):
    """The secret that holds the password of a worker's user on an instance."""
    return "%s/elasticache/%s/users/%s" % (_part(prefix, "prefix"), _part(instance, "instance"),
                                           _part(worker, "worker"))


def cache_secret_names(prefix, instances, users):
    """Every secret of a set, in a stable order: a list of (secret name, instance, worker or None).

    instances: the instance names with an AUTH token; users: instance name -> the workers with a user there.
    """
    names = [(auth_token_name(prefix, instance), instance, None) for instance in instances]
    for instance in sorted(users or {}):
        names.extend((user_password_name(prefix, instance, worker), instance, worker)
                     for worker in users[instance] or [])
    return names


def parse_name(prefix, name):
    """(instance, worker or None) of a secret name of the set of `prefix`, or None for any other name."""
    head = "%s/elasticache/" % prefix
    if not name.startswith(head):
        return None
    parts = name[len(head):].split("/")
    if len(parts) == 2 and parts[1] == "auth-token" and _NAME_PART.match(parts[0]):
        return parts[0], None
    if len(parts) == 3 and parts[1] == "users" and _NAME_PART.match(parts[0]) and _NAME_PART.match(parts[2]):
        return parts[0], parts[2]
    return None


def discovered_names(prefix, listed, stage):
    """The secrets of `prefix` among ListSecrets entries, as cache_secret_names gives them: (name, instance, worker or
    None). Secrets scheduled for deletion are left out; with stage AWSPENDING, so is every secret without a pending
    version (the values of a rotation that is under way)."""
    names = []
    for entry in listed:
        found = parse_name(prefix, entry.get("Name") or "")
        if found is None or entry.get("DeletedDate"):
            continue
        if stage == PENDING and not any(PENDING in stages for stages in
                                        (entry.get("SecretVersionsToStages") or {}).values()):
            continue
        names.append((entry["Name"],) + found)
    return sorted(names)


# --- checks on the inputs -------------------------------------------------------------------------------------------

def option_errors(names, length, recovery_window_days):
    """Every problem with the module's inputs, each naming its option."""
    errors = []
    seen = set()
    for index, name in enumerate(names):
        if not _SECRET_NAME.match(name or ""):
            errors.append("secrets[%d].name %r is not a valid secret name: 1 to 512 letters, digits and / _ + = . @ -."
                          % (index, name))
        elif name in seen:
            errors.append("secrets[%d].name %r is listed twice." % (index, name))
        seen.add(name)
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        errors.append("length: must be between %d and %d characters (ElastiCache takes 16 to 128; the collection "
                      "generates at least %d), got %d." % (MIN_LENGTH, MAX_LENGTH, MIN_LENGTH, length))
    if not MIN_RECOVERY_DAYS <= recovery_window_days <= MAX_RECOVERY_DAYS:
        errors.append("recovery_window_days: must be between %d and %d (DeleteSecret RecoveryWindowInDays), got %d."
                      % (MIN_RECOVERY_DAYS, MAX_RECOVERY_DAYS, recovery_window_days))
    return errors


# --- stages ---------------------------------------------------------------------------------------------------------

def version_ids(versions_to_stages):
    """DescribeSecret's VersionIdsToStages as stage -> version id."""
    by_stage = {}
    for version_id, stages in sorted((versions_to_stages or {}).items()):
        for stage in stages:
            by_stage[stage] = version_id
    return by_stage


def promoted(by_stage):
    """The stages after a promotion: AWSCURRENT on the pending version, AWSPREVIOUS on the version it left (as
    UpdateSecretVersionStage moves it), no AWSPENDING. Without a pending version nothing changes."""
    after = dict(by_stage)
    pending = after.pop(PENDING, None)
    if pending is None:
        return dict(by_stage)
    if after.get(CURRENT) != pending:
        if after.get(CURRENT) is not None:
            after[PREVIOUS] = after[CURRENT]
        after[CURRENT] = pending
    return after


def discarded(by_stage):
    """The stages after a pending version is dropped: its AWSPENDING label removed."""
    return dict((stage, version) for stage, version in by_stage.items() if stage != PENDING)


def _kms_key(value):
    """key/ID or alias/NAME, from a key id, key ARN, alias name or alias ARN."""
    match = _KMS_ARN.match(value)
    tail = match.group(1) if match else value
    return tail if tail.startswith(("key/", "alias/")) else "key/" + tail


def same_kms_key(current, wanted):
    """Whether DescribeSecret's KmsKeyId (a key id or an alias ARN, absent for the AWS managed key
    aws/secretsmanager) is the key asked for (a key id, key ARN, alias name or alias ARN). An alias and the id of the
    key it names are not told apart: name the key the same way every time."""
    if not wanted:
        return True
    return _kms_key(current or "alias/aws/secretsmanager") == _kms_key(wanted)


# --- the calls ------------------------------------------------------------------------------------------------------

class SecretsManager:
    """A secretsmanager client (amazon.aws RetryingBotoClientWrapper) whose failures are SecretsError naming the
    operation and the secret. `hide` is called with every value generated or read, before anything else sees it."""

    def __init__(self, client, hide=None):
        self._client = client
        self._hide = hide or (lambda value: None)

    def _call(self, method, name, **params):
        operation = self._client.meta.method_to_api_mapping.get(method, method)
        try:
            return getattr(self._client, method)(aws_retry=True, **params)
        except (ClientError, BotoCoreError) as e:
            raise SecretsError(message="%s failed for secret %s" % (operation, name), exception=e)

    def describe(self, name):
        """DescribeSecret, or None when there is no such secret."""
        try:
            return self._call("describe_secret", name, SecretId=name)
        except is_ansible_aws_error_code("ResourceNotFoundException"):
            return None

    def generate(self, name, length):
        """A new value for `name` from GetRandomPassword, checked against ElastiCache's AUTH token rule."""
        value = self._call("get_random_password", name, PasswordLength=length, ExcludeCharacters=EXCLUDE_CHARACTERS,
                           IncludeSpace=False, RequireEachIncludedType=True)["RandomPassword"]
        self._hide(value)
        if len(value) != length or validation.auth_token(value, name):
            raise SecretsError(message="GetRandomPassword answered a value ElastiCache would refuse for secret %s "
                                       "(it must be %d letters, digits and %s); nothing was stored"
                                       % (name, length, " ".join(ELASTICACHE_PUNCTUATION)))
        return value

    def listed(self, prefix):
        """ListSecrets of the names that start with `<prefix>/elasticache/` (AWS matches the name filter as a prefix,
        without case: discovered_names keeps the exact ones)."""
        head = "%s/elasticache/" % _part(prefix, "prefix")
        entries, params = [], dict(Filters=[{"Key": "name", "Values": [head]}])
        while True:
            answer = self._call("list_secrets", head + "*", **params)
            entries.extend(answer.get("SecretList") or [])
            if not answer.get("NextToken"):
                return entries
            params["NextToken"] = answer["NextToken"]

    def value(self, name, stage):
        """GetSecretValue by stage, or None when the secret has no version with that stage (or no such secret)."""
        try:
            answer = self._call("get_secret_value", name, SecretId=name, VersionStage=stage)
        except is_ansible_aws_error_code("ResourceNotFoundException"):
            return None
        if "SecretString" not in answer:
            raise SecretsError(message="secret %s holds binary data, not a token or password" % name)
        self._hide(answer["SecretString"])
        return answer["SecretString"]

    def create(self, name, value, description=None, tags=None, kms_key_id=None):
        params = dict(Name=name, SecretString=value, ClientRequestToken=str(uuid.uuid4()))
        if description is not None:
            params["Description"] = description
        if tags:
            params["Tags"] = [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]
        if kms_key_id:
            params["KmsKeyId"] = kms_key_id
        return self._call("create_secret", name, **params)

    def put(self, name, value, stage):
        """A new version labelled `stage` only. The explicit token makes a retried call the same version."""
        return self._call("put_secret_value", name, SecretId=name, SecretString=value, VersionStages=[stage],
                          ClientRequestToken=str(uuid.uuid4()))

    def promote(self, name, by_stage):
        """AWSCURRENT to the pending version (AWSPREVIOUS follows to the old one), then AWSPENDING removed. A rerun
        after an interruption between the two finds AWSCURRENT already there and only removes the label."""
        pending = by_stage[PENDING]
        if by_stage.get(CURRENT) != pending:
            self._call("update_secret_version_stage", name, SecretId=name, VersionStage=CURRENT,
                       MoveToVersionId=pending, RemoveFromVersionId=by_stage[CURRENT])
        self.discard(name, by_stage)

    def discard(self, name, by_stage):
        self._call("update_secret_version_stage", name, SecretId=name, VersionStage=PENDING,
                   RemoveFromVersionId=by_stage[PENDING])

    def update(self, name, **params):
        """UpdateSecret without a value (Description, KmsKeyId): no new version."""
        return self._call("update_secret", name, SecretId=name, **params)

    def tag(self, name, tags):
        self._call("tag_resource", name, SecretId=name,
                   Tags=[{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())])

    def untag(self, name, keys):
        self._call("untag_resource", name, SecretId=name, TagKeys=sorted(keys))

    def restore(self, name):
        self._call("restore_secret", name, SecretId=name)

    def delete(self, name, recovery_window_days, force):
        if force:
            return self._call("delete_secret", name, SecretId=name, ForceDeleteWithoutRecovery=True)
        return self._call("delete_secret", name, SecretId=name, RecoveryWindowInDays=recovery_window_days)
