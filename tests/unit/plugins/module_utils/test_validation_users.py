"""The rules ElastiCache enforces on users: names, access strings, passwords (never echoed)."""

import string

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation


@pytest.mark.parametrize("value", ["default", "web", "web.admin_1", "A" * 200])
def test_good_user_names(value):
    assert validation.user_name(value, "user_name") == []


@pytest.mark.parametrize("value, fragment", [(None, "is required"), ("", "not valid"), ("two words", "not valid"),
                                             ("tab\tname", "not valid"), ("caf\u00e9", "not valid")])
def test_bad_user_names_name_the_option(value, fragment):
    [message] = validation.user_name(value, "users[0].user_name")
    assert message.startswith("users[0].user_name") and fragment in message


def test_an_access_string_is_required():
    assert validation.access_string("off -@all", "a") == []
    assert validation.access_string(None, "a") and validation.access_string("  ", "a")


def test_every_printable_character_but_four_and_whitespace_is_accepted_in_a_password():
    refused = [c for c in string.printable if validation.user_passwords([c * 16], "p")]
    assert sorted(refused) == sorted(',"/@' + string.whitespace)


@pytest.mark.parametrize("passwords", [["a" * 16], ["a" * 128, "Ab1!&#$^<>-%*()[]{}~`"]])
def test_good_passwords(passwords):
    assert validation.user_passwords(passwords, "passwords.web") == []


@pytest.mark.parametrize("passwords, fragment", [
    ([], "must be a list of 1 or 2"), (["a" * 16] * 3, "must be a list of 1 or 2"), ("a" * 16, "must be a list"),
    (["a" * 15], "[0]: is not valid"), (["a" * 16, "a" * 129], "[1]: is not valid"),
    (["with@at-sign-12345"], "[0]: is not valid"), (["with space-1234567"], "[0]: is not valid"),
    (["caf\u00e9-password-12345"], "[0]: is not valid"), ([1234567890123456], "[0]: is not valid"),
])
def test_bad_passwords_name_the_option_and_are_never_echoed(passwords, fragment):
    messages = validation.user_passwords(passwords, "passwords.web")
    assert len(messages) == 1 and messages[0].startswith("passwords.web") and fragment in messages[0]
    assert not any(str(p) in messages[0] for p in (passwords if isinstance(passwords, list) else [passwords]))
