#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: generated_secrets
short_description: Generate AUTH tokens and user passwords into AWS Secrets Manager, and rotate them by stage
version_added: 0.3.0
description:
  - Ensures every listed secret exists in AWS Secrets Manager (C(DescribeSecret), C(CreateSecret)), with its
    description, tags and KMS key, in one module execution for all the secrets of a run.
  - A new secret gets a value from C(GetRandomPassword) that ElastiCache accepts both as an AUTH token and as a user
    password; I(stage) rotates values with the C(AWSPENDING) and C(AWSCURRENT) staging labels.
  - The module never returns a secret value, in its result, its diff or an error message. The values it generates
    are hidden from every output of the module as C(no_log) values are.
  - Values are I(length) characters drawn from letters, digits and C(!&#$^<>-), at least one of each kind
    (C(RequireEachIncludedType)). These are the only special characters of an ElastiCache AUTH token (16 to 128
    printable characters, API reference of C(CreateReplicationGroup)), and none of them is refused in a user
    password (16 to 128 printable characters, not C(,) C(") C(/) C(@)). Each value is checked against that rule
    before it is stored.
  - Read the values with the C(funmagic.elasticache.cache_secrets) lookup.
  - Check mode and diff mode (in check mode nothing is generated and no call changes anything). The IAM actions it
    needs are C(secretsmanager:DescribeSecret), C(secretsmanager:GetRandomPassword), C(secretsmanager:CreateSecret),
    C(secretsmanager:PutSecretValue), C(secretsmanager:UpdateSecretVersionStage), C(secretsmanager:UpdateSecret),
    C(secretsmanager:TagResource), C(secretsmanager:UntagResource), C(secretsmanager:RestoreSecret) and
    C(secretsmanager:DeleteSecret), plus C(kms:GenerateDataKey) and C(kms:Decrypt) on I(kms_key_id).
author:
  - Funmagic Platform Team (@funmagic)
options:
  secrets:
    description: The secrets, by name (the lookup's names are C(<prefix>/elasticache/<instance>/auth-token) and
      C(<prefix>/elasticache/<instance>/users/<worker>)).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The secret's name. Each name may be listed once.
        type: str
        required: true
      description:
        description: The secret's description. Omitted, an existing secret's description is left as it is.
        type: str
  state:
    description:
      - C(present) ensures each secret, then applies I(stage).
      - C(absent) schedules each secret for deletion after I(recovery_window_days) (C(DeleteSecret)); a secret already
        scheduled is left as it is unless I(force_delete=true).
    type: str
    choices: [present, absent]
    default: present
  stage:
    description:
      - What to do to the values of the secrets that exist, with I(state=present). Every stage first ensures the
        secret, and a missing one is created with a new C(AWSCURRENT) value (a new secret has nothing to rotate).
      - C(current) does nothing more, except that an existing secret without a C(AWSCURRENT) value (made elsewhere
        without one) gets a generated one, as a new secret does.
      - C(pending) puts a new value under C(AWSPENDING) for each secret that has no pending version yet; a rerun
        keeps that pending value (no change).
      - C(promote) moves C(AWSCURRENT) to the pending version (C(AWSPREVIOUS) follows to the version it left) and
        removes the C(AWSPENDING) label; a secret without a pending version is not changed. A promotion interrupted
        between the two calls is finished by a rerun.
      - C(discard) removes the C(AWSPENDING) label from a pending version (the value is no longer used).
    type: str
    choices: [current, pending, promote, discard]
    default: current
  length:
    description: Characters of each generated value, 32 to 128 (ElastiCache accepts 16 to 128).
    type: int
    default: 64
  kms_key_id:
    description:
      - The KMS key that encrypts the secrets (key id, key ARN, alias name or alias ARN). Omitted, new secrets use the
        AWS managed key C(aws/secretsmanager) and existing ones keep theirs.
      - An existing secret with another key is changed with C(UpdateSecret). Name the key the same way on every run.
    type: str
  tags:
    description:
      - Tags every secret carries, key to value. Omitted, the tags of existing secrets are left as they are.
    type: dict
  purge_tags:
    description: Remove the tags of an existing secret that are not in I(tags) (never C(aws:) ones).
    type: bool
    default: true
  recovery_window_days:
    description: With I(state=absent), days before Secrets Manager deletes a secret for good (7 to 30); until then
      C(RestoreSecret) brings it back, and a later run with I(state=present) does so.
    type: int
    default: 7
  force_delete:
    description: With I(state=absent), delete at once without a recovery window (C(ForceDeleteWithoutRecovery)). The
      values are gone for good.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The AUTH token of the main instance and the password of the web worker's user on the queue instance
  funmagic.elasticache.generated_secrets:
    secrets:
      - name: app/elasticache/main/auth-token
        description: AUTH token of app-main
      - name: app/elasticache/queue/users/web
        description: Password of user app-queue-web
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      Environment: prod

- name: Start a rotation, a new value under AWSPENDING (the hosts move to it with the lookup's stage=AWSPENDING)
  funmagic.elasticache.generated_secrets:
    secrets: [{name: app/elasticache/main/auth-token}]
    stage: pending

- name: Finish it once every host uses the new value
  funmagic.elasticache.generated_secrets:
    secrets: [{name: app/elasticache/main/auth-token}]
    stage: promote
"""

RETURN = r"""
secrets:
  description: Each secret as it is after the run (in check mode, as it would be), in the order of I(secrets). Never a
    value.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name.
      type: str
      sample: app/elasticache/main/auth-token
    arn:
      description: The secret's ARN (null for a secret that does not exist, or that check mode would create).
      type: str
      sample: arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/elasticache/main/auth-token-a1b2c3
    version_ids:
      description: Staging label to version id (C(AWSCURRENT), C(AWSPENDING), C(AWSPREVIOUS) where present). A version
        check mode would create has no id yet and is not listed.
      type: dict
      sample: {"AWSCURRENT": "a5b2e4c6-1111-2222-3333-444455556666"}
    tags:
      description: The secret's tags.
      type: dict
      sample: {"Environment": "prod"}
    description:
      description: The secret's description.
      type: str
    kms_key_id:
      description: The KMS key as DescribeSecret names it (null for the AWS managed key).
      type: str
    actions:
      description: What changed (or would change), in order; empty when nothing did. Among C(created), C(restored),
        C(updated) (description or KMS key), C(tagged), C(value_added) (a secret made elsewhere without a value),
        C(pending_added), C(promoted), C(discarded), C(deleted).
      type: list
      elements: str
      sample: ["pending_added"]
    deletion_date:
      description: With I(state=absent), when Secrets Manager deletes the secret for good.
      type: str
      returned: when a secret was scheduled for deletion or deleted in this run
diff:
  description: Per secret name, before and after, its state, description, KMS key, tags and staging labels (never a
    value).
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.funmagic.elasticache.plugins.module_utils import secrets as sm


def view(described):
    """What the diff shows of a secret as DescribeSecret answers (None: no such secret)."""
    if described is None:
        return {"state": "absent"}
    return {
        "state": "scheduled_for_deletion" if described.get("DeletedDate") else "present",
        "description": described.get("Description"),
        "kms_key_id": described.get("KmsKeyId"),
        "tags": boto3_tag_list_to_ansible_dict(described.get("Tags") or []),
        "stages": sorted(sm.version_ids(described.get("VersionIdsToStages"))),
    }


def outcome(name, described, actions, by_stage=None):
    """The result entry of one secret."""
    shown = view(described)
    return {
        "name": name,
        "arn": (described or {}).get("ARN"),
        "version_ids": sm.version_ids((described or {}).get("VersionIdsToStages")) if by_stage is None else by_stage,
        "tags": shown.get("tags", {}),
        "description": shown.get("description"),
        "kms_key_id": shown.get("kms_key_id"),
        "actions": actions,
    }


def ensure_new(manager, spec, params, check_mode):
    name = spec["name"]
    tags = dict((str(k), str(v)) for k, v in (params["tags"] or {}).items())
    after = {"state": "present", "description": spec["description"], "kms_key_id": params["kms_key_id"],
             "tags": tags, "stages": [sm.CURRENT]}
    if check_mode:
        return dict(outcome(name, None, ["created"]), tags=tags, description=spec["description"],
                    kms_key_id=params["kms_key_id"]), after
    manager.create(name, manager.generate(name, params["length"]), spec["description"], tags, params["kms_key_id"])
    return outcome(name, manager.describe(name), ["created"]), after


def apply_tags(manager, name, current_tags, params, check_mode):
    """The tag calls of an existing secret: (changed, the tags afterwards)."""
    if params["tags"] is None:
        return False, current_tags
    wanted = dict((str(k), str(v)) for k, v in params["tags"].items())
    to_add, to_remove = compare_aws_tags(current_tags, wanted, params["purge_tags"])
    tags = dict((k, v) for k, v in current_tags.items() if k not in to_remove)
    tags.update(to_add)
    if not check_mode:
        if to_remove:
            manager.untag(name, to_remove)
        if to_add:
            manager.tag(name, to_add)
    return bool(to_add or to_remove), tags


def apply_stage(manager, name, by_stage, params, check_mode):
    """The value calls of an existing secret: (action or None, the labels afterwards, stage -> id where known)."""
    stage, length = params["stage"], params["length"]
    if sm.CURRENT not in by_stage:  # made elsewhere without a value: it gets one, like a new secret
        if not check_mode:
            manager.put(name, manager.generate(name, length), sm.CURRENT)
        return "value_added", sorted(set(by_stage) | {sm.CURRENT}), by_stage
    if sm.PENDING not in by_stage:
        if stage != "pending":
            return None, sorted(by_stage), by_stage
        if not check_mode:
            manager.put(name, manager.generate(name, length), sm.PENDING)
        return "pending_added", sorted(set(by_stage) | {sm.PENDING}), by_stage
    if stage not in ("promote", "discard"):
        return None, sorted(by_stage), by_stage
    if not check_mode:
        (manager.promote if stage == "promote" else manager.discard)(name, by_stage)
    expected = sm.promoted(by_stage) if stage == "promote" else sm.discarded(by_stage)
    return ("promoted" if stage == "promote" else "discarded"), sorted(expected), expected


def ensure_existing(manager, spec, current, params, check_mode):
    """Restore, description, KMS key, tags, then the stage. Returns (result, the diff's after)."""
    name, actions = spec["name"], []
    after = dict(view(current), state="present")
    if current.get("DeletedDate"):
        actions.append("restored")
        if not check_mode:
            manager.restore(name)
    update = {}
    if spec["description"] is not None and spec["description"] != current.get("Description", ""):
        update["Description"] = after["description"] = spec["description"]
    if not sm.same_kms_key(current.get("KmsKeyId"), params["kms_key_id"]):
        update["KmsKeyId"] = after["kms_key_id"] = params["kms_key_id"]
    if update:
        actions.append("updated")
        if not check_mode:
            manager.update(name, **update)
    tagged, after["tags"] = apply_tags(manager, name, after["tags"], params, check_mode)
    if tagged:
        actions.append("tagged")
    action, after["stages"], expected = apply_stage(manager, name, sm.version_ids(current.get("VersionIdsToStages")),
                                                    params, check_mode)
    if action:
        actions.append(action)
    if check_mode or not actions:
        result = outcome(name, current, actions, expected)
        return dict(result, tags=after["tags"], description=after["description"], kms_key_id=after["kms_key_id"]), after
    return outcome(name, manager.describe(name), actions), after


def ensure_absent(manager, name, current, params, check_mode):
    """Schedule the deletion (or force it). Returns (result, the diff's after)."""
    force = params["force_delete"]
    if current is None or (current.get("DeletedDate") and not force):
        return outcome(name, current, []), view(current)
    result = outcome(name, current, ["deleted"])
    if not check_mode:
        answer = manager.delete(name, params["recovery_window_days"], force)
        if answer.get("DeletionDate"):
            result["deletion_date"] = answer["DeletionDate"].isoformat()
    return result, {"state": "absent"} if force else dict(view(current), state="scheduled_for_deletion")


def ensure(module, manager):
    params = module.params
    errors = sm.option_errors([s["name"] for s in params["secrets"]], params["length"],
                              params["recovery_window_days"])
    if errors:
        module.fail_json(msg=" ".join(errors))
    results, before, after = [], {}, {}
    for spec in params["secrets"]:
        current = manager.describe(spec["name"])
        if params["state"] == "absent":
            result, wanted = ensure_absent(manager, spec["name"], current, params, module.check_mode)
        elif current is None:
            result, wanted = ensure_new(manager, spec, params, module.check_mode)
        else:
            result, wanted = ensure_existing(manager, spec, current, params, module.check_mode)
        results.append(result)
        if result["actions"]:
            before[spec["name"]], after[spec["name"]] = view(current), wanted
    changed = any(r["actions"] for r in results)
    return changed, {"secrets": results, "diff": {"before": before, "after": after}}


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            secrets=dict(type="list", elements="dict", required=True, no_log=False, options=dict(
                name=dict(type="str", required=True),
                description=dict(type="str"),
            )),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            stage=dict(type="str", default="current", choices=["current", "pending", "promote", "discard"]),
            length=dict(type="int", default=64),
            kms_key_id=dict(type="str"),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            recovery_window_days=dict(type="int", default=7),
            force_delete=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    # Every generated or read value joins the module's no_log values: exit_json and fail_json mask them everywhere.
    manager = sm.SecretsManager(module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff()),
                                hide=module.no_log_values.add)
    try:
        changed, result = ensure(module, manager)
    except sm.SecretsError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
