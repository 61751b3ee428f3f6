"""Turning TLS on for existing groups: which instances move, and what AWS cannot do in place (plugin_utils/tls_move)."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import existing
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import tls_move
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError
from tests.unit.plugins.plugin_utils.models import TOKEN, check

PLAIN = {"replication_group_id": "funmagic-main", "status": "available", "at_rest_encryption_enabled": True,
         "transit_encryption_enabled": False, "primary_endpoint": {"address": "m.example", "port": 6379}}


def test_a_plain_group_and_one_left_in_preferred_move_a_required_one_does_not():
    specs = check()["instances"]
    move = [{"name": "main", "replication_group_id": "funmagic-main"}]
    assert tls_move.moves(specs, [PLAIN]) == move
    assert tls_move.moves(specs, [dict(PLAIN, transit_encryption_enabled=True,
                                       transit_encryption_mode="preferred")]) == move
    assert tls_move.moves(specs, [dict(PLAIN, transit_encryption_enabled=True,
                                       transit_encryption_mode="required")]) == []
    assert tls_move.moves(specs, []) == []  # a group made in this run starts with TLS
    plain_specs = check(cache_defaults={"transit_encryption": False})["instances"]
    assert tls_move.moves(plain_specs, [PLAIN]) == []


def test_a_plain_group_turns_tls_on_without_error():
    assert existing.check_existing(check()["instances"], [PLAIN], 6379) == {}


@pytest.mark.parametrize("overrides, expected", [
    ({"cache_defaults": {"engine_version": "6.2"}},
     "cache_instances[0] (main).transit_encryption: replication group funmagic-main runs without TLS, and AWS turns "
     "TLS on in place only from redis 7.0 on"),
    ({"cache_auth_tokens": {"main": TOKEN}},
     "cache_instances[0] (main).transit_encryption: replication group funmagic-main has neither TLS nor an AUTH "
     "token; AWS accepts a token only once TLS is on"),
])
def test_what_aws_cannot_do_in_one_step_is_refused_before_any_change(overrides, expected):
    with pytest.raises(InputError) as caught:
        existing.check_existing(check(**overrides)["instances"], [PLAIN], 6379)
    assert caught.value.errors[0].startswith(expected), caught.value.errors
