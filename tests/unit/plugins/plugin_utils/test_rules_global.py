"""cache_instances[].global: the preflight refuses what AWS refuses of a global datastore, naming the instance."""

from tests.unit.plugins.plugin_utils.models import check, errors_of

WHERE = "cache_instances[0] (main)"


def _main(**fields):
    return [dict({"name": "main", "node_type": "cache.r6g.large", "engine_version": "7.1"}, **fields)]


def test_a_primary_of_a_supported_family_with_one_other_region_passes():
    model = check(cache_instances=_main(**{"global": {"regions": ["us-west-2"]}}))
    assert model["instances"][0]["global"] == {"regions": ["us-west-2"]}


def test_an_instance_without_global_is_not_checked_for_it():
    assert check(cache_instances=[{"name": "main", "node_type": "cache.t3.micro"}])


def test_a_burstable_node_type_is_refused_with_the_families_aws_takes():
    errors = errors_of(cache_instances=_main(node_type="cache.t3.micro", **{"global": {"regions": ["us-west-2"]}}))
    assert errors == ["%s.node_type: global datastores run on M5, M6g, M7g, R5, R6g, R6gd or R7g nodes, not "
                      "cache.t3.micro." % WHERE]


def test_an_old_engine_version_is_refused():
    errors = errors_of(cache_instances=_main(engine_version="5.0.5", **{"global": {"regions": ["us-west-2"]}}))
    assert "%s.engine_version: global datastores need redis 5.0.6 or later, not 5.0.5." % WHERE in errors


def test_the_primarys_own_region_three_regions_and_a_typo_are_refused():
    errors = errors_of(cache_instances=_main(**{"global": {"regions": ["us-east-1"]}}))
    assert errors == ["%s.global.regions: us-east-1 is the primary's own Region; list the other Regions only."
                      % WHERE]
    errors = errors_of(cache_instances=_main(**{"global": {"regions": ["us-west-2", "eu-west-1", "ap-south-1"]}}))
    assert errors == ["%s.global.regions: a global datastore has at most 2 secondary Regions, not 3." % WHERE]
    errors = errors_of(cache_instances=_main(**{"global": {"regions": ["uswest2"]}}))
    assert errors == ["%s.global.regions: uswest2 is not an AWS Region name (such as us-west-2)." % WHERE]


def test_a_serverless_instance_is_refused_with_the_reason():
    errors = errors_of(cache_instances=[{"name": "main", "kind": "serverless", "access": "rbac", "engine": "valkey",
                                         "engine_version": "8.0", "global": {"regions": ["us-west-2"]}}],
                       cache_user_passwords={"main": {"web": "Unit-Rbac-Password-7", "admin": "Unit-Rbac-Password-7"}})
    assert any(e.startswith("%s.global: a serverless cache cannot be a member of a global datastore" % WHERE)
               for e in errors), errors


def test_regions_is_required_and_a_list():
    assert any("regions" in e for e in errors_of(cache_instances=_main(**{"global": {}})))
