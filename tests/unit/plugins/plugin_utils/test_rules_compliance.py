"""The compliance role's inputs: exceptions naming controls and instances that exist, Security Hub's retention range."""

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import compliance
from tests.unit.plugins.plugin_utils.models import check, errors_of


def test_compliance_settings_are_checked_and_returned():
    model = check(roles=["cache", "compliance"], compliance_accepted_exceptions=[
        {"control": "CKV_AWS_191", "reason": "cache only"}])
    assert model["compliance"] == {"accepted_exceptions": [
        {"control": "CKV_AWS_191", "instance": None, "reason": "cache only"}], "min_snapshot_retention": 1}


def test_bad_exceptions_are_refused():
    errors = errors_of(roles=["compliance"], compliance_accepted_exceptions=[
        {"control": "ElastiCache.9", "instance": "nope", "reason": "x"}], compliance_min_snapshot_retention=0)
    assert [e for e in errors if e.startswith("compliance_accepted_exceptions[0].control")] == [
        "compliance_accepted_exceptions[0].control: 'ElastiCache.9' is not a control (did you mean ElastiCache.7?); "
        "one of " + ", ".join(compliance.CONTROL_IDS)]
    assert any(e.startswith("compliance_accepted_exceptions[0].instance: 'nope' is not an instance") for e in errors)
    assert "compliance_min_snapshot_retention: Security Hub takes 1 to 35 days, got 0" in errors
