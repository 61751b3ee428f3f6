import pytest

from tests.emulator import catalog, hosts, rules
from tests.emulator.elasticache import region_code


@pytest.mark.parametrize("region, code", [("us-east-1", "use1"), ("us-east-2", "use2"), ("eu-central-1", "euc1"),
                                          ("ap-southeast-2", "apse2"), ("eu-west-3", "euw3")])
def test_region_codes_in_endpoint_names(region, code):
    assert region_code(region) == code


def test_overlap_across_the_week_boundary():
    assert rules.windows_overlap("23:30-00:30", "sun:00:00-sun:01:00")
    assert not rules.windows_overlap("03:00-04:00", "sun:05:00-sun:06:00")


@pytest.mark.parametrize("allowed, data_type, value, ok", [
    ("yes,no", "string", "yes", True), ("yes,no", "string", "maybe", False), ("1-64", "integer", "64", True),
    ("1-64", "integer", "65", False), ("0,20-", "integer", "10", False), ("0,20-", "integer", "0", True),
    ("-5,-4,-3,-2,-1,1-", "integer", "-2", True), ("-5,-4,-3,-2,-1,1-", "integer", "0", False),
    (None, "string", "anything", True),
])
def test_allowed_values(allowed, data_type, value, ok):
    assert catalog.allows(allowed, data_type, value) is ok


def test_every_family_defaults_to_volatile_lru():
    assert all(catalog.PARAMETERS[f]["maxmemory-policy"][0] == "volatile-lru" for f in catalog.FAMILIES)


def test_hosts_block_is_replaced_and_removed_without_touching_other_lines(tmp_path):
    path = tmp_path / "hosts"
    path.write_text("127.0.0.1 localhost\n")
    hosts.write(str(path), {"a.example": "127.0.2.10"}, tag="1")
    hosts.write(str(path), {"b.example": "127.0.2.11"}, tag="2")
    hosts.write(str(path), {"c.example": "127.0.2.12"}, tag="1")
    assert hosts.read_mapping(str(path)) == {"localhost": "127.0.0.1", "b.example": "127.0.2.11",
                                             "c.example": "127.0.2.12"}
    hosts.write(str(path), {}, tag="1")
    hosts.write(str(path), {}, tag="2")
    assert path.read_text() == "127.0.0.1 localhost\n"


def test_assert_mapped_refuses_unmapped_and_non_loopback_names(tmp_path):
    path = tmp_path / "hosts"
    path.write_text("127.0.2.10 ok.example\n10.0.0.1 far.example\n")
    assert hosts.assert_mapped("ok.example", str(path)) == "127.0.2.10"
    with pytest.raises(AssertionError, match="not mapped"):
        hosts.assert_mapped("missing.example", str(path))
    with pytest.raises(AssertionError, match="not a loopback"):
        hosts.assert_mapped("far.example", str(path))
