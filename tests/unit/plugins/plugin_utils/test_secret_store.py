"""cache_secrets: secretsmanager in the model: no secret in the inventory is asked for, every token and password to
generate is listed by name (never a value), and a vault inventory is checked as before."""

from tests.unit.plugins.plugin_utils.test_rbac import QUEUE, rbac_errors, rbac_model

SM = {"cache_secrets": "secretsmanager"}


def test_secretsmanager_lists_a_token_per_tls_token_instance_and_a_password_per_user():
    model = rbac_model(cache_user_passwords={}, **SM)
    assert model["secrets"] == {"source": "secretsmanager", "secrets": [
        {"name": "funmagic/elasticache/main/auth-token", "description": "AUTH token of funmagic-main"},
        {"name": "funmagic/elasticache/queue/users/admin", "description": "Password of user funmagic-queue-admin"},
        {"name": "funmagic/elasticache/queue/users/web", "description": "Password of user funmagic-queue-web"}]}
    assert model["cache"]["secrets"] == "secretsmanager"
    main = [spec for spec in model["instances"] if spec["name"] == "main"][0]
    assert main["auth"] is True  # the token is generated before the cache role sends it


def test_a_plain_instance_gets_no_token_and_vault_lists_nothing():
    plain = [dict(QUEUE[0], transit_encryption=False), QUEUE[1]]
    names = [s["name"] for s in rbac_model(cache_instances=plain, cache_user_passwords={}, **SM)["secrets"]["secrets"]]
    assert "funmagic/elasticache/main/auth-token" not in names and len(names) == 2
    assert rbac_model()["secrets"] == {"source": "vault", "secrets": []}


def test_missing_passwords_are_refused_with_vault_only():
    assert any(e.startswith("cache_user_passwords.queue.web: is not set") for e in rbac_errors(cache_user_passwords={}))
    assert rbac_model(cache_user_passwords={}, **SM)["users"]


def test_a_rotation_needs_no_new_values_in_the_inventory_with_secretsmanager():
    assert any(e.startswith("cache_auth_tokens_next: set the new token") for e in rbac_errors(_rotation=True))
    assert rbac_model(cache_user_passwords={}, _rotation=True, **SM)


def test_an_unknown_source_is_refused_naming_the_field():
    assert any(e.startswith("cache_secrets:") for e in rbac_errors(cache_secrets="ssm"))


def test_values_left_pending_outside_a_rotation_stop_the_other_playbooks_naming_each_secret():
    pending = {"cache_auth_tokens_next": {"main": "Pending-Token-0123456789"},
               "cache_user_passwords_next": {"queue": {"web": "Pending-Password-012345"}}}
    errors = rbac_errors(cache_user_passwords={}, **pending, **SM)
    assert "secret funmagic/elasticache/main/auth-token: has a new value under AWSPENDING, so a rotation is under " \
           "way; finish it with playbooks/rotate_auth.yml" in errors
    assert any(e.startswith("secret funmagic/elasticache/queue/users/web: has a new value") for e in errors)
    assert not any("Pending-" in e for e in errors)
    assert rbac_model(cache_user_passwords={}, _rotation=True, **pending, **SM)
