import socket

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import parameters
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping


def test_values_are_normalised_to_what_elasticache_stores():
    assert parameters.normalise(True, "yes,no") == "yes"
    assert parameters.normalise(False, "true,false") == "false"
    assert parameters.normalise(300) == "300"


def test_diff_finds_changes_and_unknown_names():
    current = {"maxmemory-policy": {"value": "volatile-lru", "allowed": "noeviction,volatile-lru"},
               "activedefrag": {"value": "no", "allowed": "yes,no"}, "timeout": {"value": "300", "allowed": "0-"}}
    changes, unknown = parameters.diff({"maxmemory-policy": "noeviction", "activedefrag": False, "timeout": 300,
                                        "bogus": 1}, current)
    assert changes == {"maxmemory-policy": "noeviction"} and unknown == ["bogus"]


def test_more_than_20_changes_go_in_chunks():
    assert [len(c) for c in parameters.chunks(dict(("p%02d" % i, "1") for i in range(45)))] == [20, 20, 5]


def test_an_unresolvable_name_is_cause_dns_without_any_lookup():
    def resolver(*args):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ProbeError) as excinfo:
        ping("nowhere.invalid", resolver=resolver)
    assert excinfo.value.cause == "dns" and "nowhere.invalid" in excinfo.value.hint
