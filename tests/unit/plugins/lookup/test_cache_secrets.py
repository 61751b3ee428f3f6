"""cache_secrets: every value read by its stage, AWSPENDING falling back to AWSCURRENT, errors that name the secret
and never a value; and the plugin's documentation blocks are YAML."""

from __future__ import annotations

import datetime
import os

import pytest
from botocore.exceptions import ClientError

from ansible.errors import AnsibleLookupError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.funmagic.elasticache.plugins.lookup import cache_secrets
from ansible_collections.funmagic.elasticache.plugins.module_utils import secrets
from tests.unit.plugins.modules.fake_aws import FakeAWS
from tests.unit.plugins.modules.test_module_docs import (  # the same check, for lookups
    test_the_documentation_blocks_are_yaml as blocks_are_yaml)

LOOKUPS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))), "plugins", "lookup")
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
VERSION = "11111111-1111-4111-8111-111111111111"


def fake(values, hide=None, **answers):
    """AWS holding `values`: (secret name, stage) -> value; and a SecretsManager on it."""
    def get(params):
        key = (params["SecretId"], params["VersionStage"])
        if key not in values:
            return ClientError({"Error": {"Code": "ResourceNotFoundException",
                                          "Message": "Secrets Manager can't find the specified secret."}},
                               "GetSecretValue")
        return {"ARN": ARN + key[0], "Name": key[0], "VersionId": VERSION, "VersionStages": [key[1]],
                "SecretString": values[key]}

    aws = FakeAWS(dict({"GetSecretValue": get}, **answers))
    return aws, secrets.SecretsManager(RetryingBotoClientWrapper(aws.client("secretsmanager"),
                                                                 AWSRetry.jittered_backoff(retries=2)), hide)


CURRENT = {("app/elasticache/main/auth-token", "AWSCURRENT"): "token-current",
           ("app/elasticache/queue/users/web", "AWSCURRENT"): "web-current",
           ("app/elasticache/queue/users/admin", "AWSCURRENT"): "admin-current"}


def test_the_maps_have_the_vault_shapes_and_each_value_is_read_by_its_stage():
    aws, manager = fake(CURRENT)
    found = cache_secrets.collect(manager, "app", ["main"], {"queue": ["web", "admin"], "empty": []}, "AWSCURRENT")
    assert found == {"auth_tokens": {"main": "token-current"},
                     "user_passwords": {"queue": {"web": "web-current", "admin": "admin-current"}, "empty": {}}}
    assert all(params["VersionStage"] == "AWSCURRENT" for params in aws.params("GetSecretValue"))


def test_pending_values_where_there_are_and_current_ones_elsewhere():
    aws, manager = fake({**CURRENT, ("app/elasticache/queue/users/web", "AWSPENDING"): "web-next"})
    found = cache_secrets.collect(manager, "app", ["main"], {"queue": ["web", "admin"]}, "AWSPENDING")
    assert found == {"auth_tokens": {"main": "token-current"},
                     "user_passwords": {"queue": {"web": "web-next", "admin": "admin-current"}}}
    assert [p["VersionStage"] for p in aws.params("GetSecretValue")] == [
        "AWSPENDING", "AWSCURRENT", "AWSPENDING", "AWSPENDING", "AWSCURRENT"]


@pytest.mark.parametrize("stage", ["AWSCURRENT", "AWSPENDING"])
def test_a_missing_secret_is_an_error_naming_it(stage):
    _aws, manager = fake(CURRENT)
    with pytest.raises(AnsibleLookupError, match="secret app/elasticache/other/auth-token has no AWSCURRENT value"):
        cache_secrets.collect(manager, "app", ["main", "other"], {}, stage)


def test_a_secret_scheduled_for_deletion_is_an_error_naming_it_and_no_value():
    refused = ClientError({"Error": {"Code": "InvalidRequestException", "Message": "You can't perform this operation "
                                     "on the secret because it was marked for deletion."}}, "GetSecretValue")
    _aws, manager = fake({}, GetSecretValue=refused)
    with pytest.raises(AnsibleLookupError) as excinfo:
        cache_secrets.collect(manager, "app", ["main"], {}, "AWSCURRENT")
    assert str(excinfo.value).startswith("GetSecretValue failed for secret app/elasticache/main/auth-token")
    assert "marked for deletion" in str(excinfo.value)


def test_a_name_part_that_cannot_be_in_a_secret_name_is_refused_before_any_call():
    aws, manager = fake(CURRENT)
    with pytest.raises(AnsibleLookupError, match="^worker 'a/b'"):
        cache_secrets.collect(manager, "app", [], {"queue": ["a/b"]}, "AWSCURRENT")
    assert aws.operations() == []


def test_values_read_are_handed_to_hide_first():
    hidden = []
    _aws, manager = fake(CURRENT, hide=hidden.append)
    cache_secrets.collect(manager, "app", ["main"], {}, "AWSCURRENT")
    assert hidden == ["token-current"]


@pytest.mark.parametrize("path", sorted(p for p in os.listdir(LOOKUPS) if p.endswith(".py")))
def test_the_documentation_blocks_are_yaml(path):
    blocks_are_yaml(os.path.join(LOOKUPS, path))


def listed(*entries):
    """ListSecrets answering `entries`: (name, stages of its versions, deleted)."""
    return {"ListSecrets": {"SecretList": [
        dict({"Name": name, "SecretVersionsToStages": dict(("%d" % i * 36, [s]) for i, s in enumerate(stages))},
             **({"DeletedDate": datetime.datetime(2026, 12, 4)} if deleted else {}))
        for name, stages, deleted in entries]}}


FOUND = listed(("app/elasticache/main/auth-token", ["AWSCURRENT", "AWSPENDING"], False),
               ("app/elasticache/queue/users/web", ["AWSCURRENT"], False),
               ("app/elasticache/gone/auth-token", ["AWSCURRENT"], True),
               ("app/elasticache-other/x/auth-token", ["AWSCURRENT"], False),
               ("App/elasticache/main/auth-token", ["AWSCURRENT"], False),
               ("app/elasticache/main/users/web/extra", ["AWSCURRENT"], False))


def test_a_term_finds_the_prefixs_secrets_by_listing_them_and_leaves_out_deleted_and_foreign_ones():
    values = {**CURRENT, ("app/elasticache/main/auth-token", "AWSPENDING"): "token-next",
              ("app/elasticache/queue/users/web", "AWSCURRENT"): "web-current"}
    aws, manager = fake(values, **FOUND)
    assert cache_secrets.discover(manager, "app", "auth_tokens", "AWSCURRENT") == {"main": "token-current"}
    assert aws.params("ListSecrets")[0]["Filters"] == [{"Key": "name", "Values": ["app/elasticache/"]}]
    assert cache_secrets.discover(manager, "app", "user_passwords", "AWSCURRENT") == {"queue": {"web": "web-current"}}


def test_with_awspending_a_term_gives_only_the_secrets_of_a_rotation_under_way():
    manager = fake({**CURRENT, ("app/elasticache/main/auth-token", "AWSPENDING"): "token-next"}, **FOUND)[1]
    assert cache_secrets.discover(manager, "app", "auth_tokens", "AWSPENDING") == {"main": "token-next"}
    assert cache_secrets.discover(manager, "app", "user_passwords", "AWSPENDING") == {}


def test_names_outside_the_sets_shape_are_not_the_prefixs():
    assert secrets.parse_name("app", "app/elasticache/main/auth-token") == ("main", None)
    assert secrets.parse_name("app", "app/elasticache/q/users/web") == ("q", "web")
    for name in ("app/elasticache/main", "app/elasticache/main/users/web/x", "app/elasticache//auth-token",
                 "other/elasticache/main/auth-token", "app/elasticache/main/token"):
        assert secrets.parse_name("app", name) is None, name
