"""Secret names, the characters generated values may hold, the inputs' rules and the staging-label arithmetic."""

import string

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import secrets
from ansible_collections.funmagic.elasticache.plugins.module_utils import validation


def test_names_follow_prefix_instance_and_worker():
    assert secrets.auth_token_name("app", "main") == "app/elasticache/main/auth-token"
    assert secrets.user_password_name("app", "queue", "web") == "app/elasticache/queue/users/web"


def test_every_secret_of_a_set_in_a_stable_order():
    names = secrets.cache_secret_names("app", ["main", "queue"], {"queue": ["web", "admin"], "main": ["web"]})
    assert names == [
        ("app/elasticache/main/auth-token", "main", None),
        ("app/elasticache/queue/auth-token", "queue", None),
        ("app/elasticache/main/users/web", "main", "web"),
        ("app/elasticache/queue/users/web", "queue", "web"),
        ("app/elasticache/queue/users/admin", "queue", "admin"),
    ]
    assert secrets.cache_secret_names("app", [], {}) == []
    assert secrets.cache_secret_names("app", [], {"main": None}) == []


@pytest.mark.parametrize("prefix, instance, worker, named", [
    ("", "main", "web", "prefix"),
    ("a/b", "main", "web", "prefix"),
    ("app", "ma in", "web", "instance"),
    ("app", "main", "we/b", "worker"),
    ("app", "main", None, "worker"),
])
def test_a_name_part_that_would_change_the_path_is_refused_naming_it(prefix, instance, worker, named):
    with pytest.raises(ValueError, match="^%s " % named):
        secrets.user_password_name(prefix, instance, worker)


def test_the_generated_alphabet_is_exactly_what_an_auth_token_accepts():
    allowed = set(string.ascii_letters + string.digits + secrets.ELASTICACHE_PUNCTUATION)
    assert set(secrets.EXCLUDE_CHARACTERS) == set(string.punctuation) - allowed
    for character in secrets.ELASTICACHE_PUNCTUATION + string.ascii_letters + string.digits:
        assert validation.auth_token(character * 32) == [], character
    for character in secrets.EXCLUDE_CHARACTERS + " ":
        assert validation.auth_token(character * 32) != [], character


def test_user_passwords_refuse_none_of_the_generated_characters():
    # ElastiCache user guide (RBAC): 16 to 128 printable characters, not , " / @.
    assert not set(secrets.ELASTICACHE_PUNCTUATION) & set(',"/@')
    assert set(',"/@') <= set(secrets.EXCLUDE_CHARACTERS)


def test_good_inputs_have_no_errors():
    assert secrets.option_errors(["app/elasticache/main/auth-token"], 64, 7) == []
    assert secrets.option_errors(["a"], 32, 30) == [] and secrets.option_errors(["a"], 128, 7) == []


@pytest.mark.parametrize("names, length, days, fragment", [
    (["a"], 31, 7, "length: must be between 32 and 128"),
    (["a"], 129, 7, "length: must be between 32 and 128"),
    (["a"], 64, 6, "recovery_window_days: must be between 7 and 30"),
    (["a"], 64, 31, "recovery_window_days"),
    (["a", "a"], 64, 7, "secrets[1].name 'a' is listed twice"),
    (["has space"], 64, 7, "secrets[0].name 'has space' is not a valid secret name"),
    ([""], 64, 7, "secrets[0].name"),
])
def test_bad_inputs_are_named(names, length, days, fragment):
    [message] = secrets.option_errors(names, length, days)
    assert fragment in message


def test_version_ids_by_stage():
    assert secrets.version_ids({"v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT", "AWSPENDING"]}) == {
        "AWSPREVIOUS": "v1", "AWSCURRENT": "v2", "AWSPENDING": "v2"}
    assert secrets.version_ids(None) == {}


@pytest.mark.parametrize("before, after", [
    ({"AWSCURRENT": "v1", "AWSPENDING": "v2"}, {"AWSCURRENT": "v2", "AWSPREVIOUS": "v1"}),
    ({"AWSCURRENT": "v1", "AWSPENDING": "v2", "AWSPREVIOUS": "v0"}, {"AWSCURRENT": "v2", "AWSPREVIOUS": "v1"}),
    # interrupted between the two calls: AWSCURRENT already moved, only the label is left to remove
    ({"AWSCURRENT": "v2", "AWSPENDING": "v2", "AWSPREVIOUS": "v1"}, {"AWSCURRENT": "v2", "AWSPREVIOUS": "v1"}),
    ({"AWSCURRENT": "v1"}, {"AWSCURRENT": "v1"}),
])
def test_a_promotion_moves_current_to_the_pending_version(before, after):
    assert secrets.promoted(before) == after


def test_a_discard_removes_only_the_pending_label():
    assert secrets.discarded({"AWSCURRENT": "v1", "AWSPENDING": "v2"}) == {"AWSCURRENT": "v1"}


KEY_ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/" + KEY_ID
ALIAS_ARN = "arn:aws:kms:us-east-1:123456789012:alias/app-elasticache"


@pytest.mark.parametrize("current, wanted, same", [
    (KEY_ID, KEY_ARN, True),
    (KEY_ARN, KEY_ID, True),
    (ALIAS_ARN, "alias/app-elasticache", True),
    (None, None, True),
    ("whatever", None, True),  # not managed
    (None, "alias/aws/secretsmanager", True),
    (None, KEY_ARN, False),
    (KEY_ID, "alias/app-elasticache", False),
    ("1111", KEY_ID, False),
])
def test_kms_keys_compare_by_key_or_alias_whatever_the_form(current, wanted, same):
    assert secrets.same_kms_key(current, wanted) is same
