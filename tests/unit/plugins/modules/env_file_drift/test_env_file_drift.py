"""env_file_drift: each worker's env file on the host against the text the client role writes, tokens masked."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_env
from ansible_collections.funmagic.elasticache.plugins.modules import env_file_drift

TOKEN = "Env-Drift-Token-0123"
CONNECTIONS = {
    "main": {"purpose": "main", "endpoint": "main.example", "port": 6379, "tls": True, "cluster": False, "order": 0},
    "queue": {"purpose": "queue", "endpoint": "queue.example", "port": 6379, "tls": True, "cluster": False, "order": 1},
}


def test_a_url_pointed_at_another_instance_is_one_masked_difference_and_a_missing_file_one_more(tmp_path):
    web = {"name": "web", "env_file": str(tmp_path / "web.env"), "queue_prefix": "web", "instances": {}}
    admin = {"name": "admin", "env_file": str(tmp_path / "admin.env"), "queue_prefix": "admin", "instances": {}}
    tokens = {"main": TOKEN, "queue": TOKEN}
    text = redis_env(CONNECTIONS, web, tokens)
    (tmp_path / "web.env").write_text(text.replace("queue.example", "main.example"), encoding="utf-8")
    found = env_file_drift.differences(CONNECTIONS, [web, admin], tokens)
    assert found == [
        {"path": web["env_file"], "variable": "REDIS_QUEUE_URL",
         "inventory": "rediss://default:********@queue.example:6379",
         "host": "rediss://default:********@main.example:6379"},
        {"path": admin["env_file"], "variable": "(file)", "inventory": "present", "host": "(absent)"}]
    assert TOKEN not in repr(found)
    (tmp_path / "web.env").write_text(text, encoding="utf-8")
    assert env_file_drift.differences(CONNECTIONS, [web], tokens) == []


def test_an_rbac_url_with_another_password_is_masked_and_a_missing_password_names_the_variable(tmp_path):
    import pytest  # pylint: disable=import-outside-toplevel

    connections = dict(CONNECTIONS, queue=dict(CONNECTIONS["queue"], access="rbac"))
    web = {"name": "web", "env_file": str(tmp_path / "web.env"), "queue_prefix": "web", "instances": {},
           "users": {"queue": "web"}}
    passwords = {"queue": {"web": "Web-Drift-Password-0123"}}
    text = redis_env(connections, web, {"main": TOKEN}, passwords)
    (tmp_path / "web.env").write_text(text.replace("Web-Drift-Password-0123", "Old-Drift-Password-99"),
                                      encoding="utf-8")
    found = env_file_drift.differences(connections, [web], {"main": TOKEN}, passwords)
    assert found == [{"path": web["env_file"], "variable": "REDIS_QUEUE_URL",
                      "inventory": "rediss://web:********@queue.example:6379",
                      "host": "rediss://web:********@queue.example:6379 (another password)"}]
    assert "Drift-Password" not in repr(found)
    with pytest.raises(ValueError, match="^cache_user_passwords.queue.web is not set"):
        env_file_drift.differences(connections, [web], {"main": TOKEN}, {})
