from ansible_collections.funmagic.elasticache.plugins.module_utils import parameters


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
