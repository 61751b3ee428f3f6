"""The public redis_env filter: the passwords argument, and errors that name the variable, never a value."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.funmagic.elasticache.plugins.filter.redis import FilterModule

CONNECTIONS = {"queue": {"purpose": "main", "endpoint": "q", "port": 6379, "tls": True, "access": "rbac"}}


def test_the_filter_takes_the_passwords_and_builds_the_users_url():
    redis_env = FilterModule().filters()["redis_env"]
    env = redis_env(CONNECTIONS, {"name": "web"}, {}, {"queue": {"web": "Pass@word-0123456789"}})
    assert env.splitlines()[0] == "REDIS_URL=rediss://web:Pass%40word-0123456789@q:6379"
    env = redis_env(CONNECTIONS, {"name": "web"}, passwords={"queue": {"web": "p"}})
    assert env.startswith("REDIS_URL=rediss://web:p@")


def test_a_missing_password_is_a_filter_error_naming_the_variable():
    with pytest.raises(AnsibleFilterError, match=r"^redis_env: cache_user_passwords\.queue\.web is not set"):
        FilterModule().filters()["redis_env"](CONNECTIONS, {"name": "web"}, {}, {"queue": {"admin": "Other-0123"}})
