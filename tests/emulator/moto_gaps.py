"""Where moto's answers differ from AWS's documented ones and a client we run depends on it, put right here.

- UpdateSecurityGroupRuleDescriptionsIngress/Egress (EC2 API reference): AWS sets the description of the rule that
  matches the protocol, ports and source, and answers `Return: true`. moto 5.2.5 answers nothing (amazon.aws's
  ec2_security_group reads `Return` and fails with KeyError) and, for a rule whose source is a security group, finds
  no rule (its lookup compares the new description too), so the description never changes and every rerun of
  ec2_security_group would report a change. Both matter when the collection adopts a security group made by hand.
- UpdateSecretVersionStage (Secrets Manager API reference): moving AWSCURRENT makes that version the secret's current
  one, so GetSecretValue without VersionId or VersionStage returns it (AWSCURRENT is the default stage). moto 5.2.5
  moves the label but keeps the old version as its default: GetSecretValue without a stage returns the old value, and
  a later PutSecretValue marks that old version AWSPREVIOUS while the promoted one keeps AWSCURRENT (two versions
  labelled AWSCURRENT). The generated_secrets module's promotion moves AWSCURRENT this way.
- DescribeSubnets' Ipv6CidrBlockAssociationSet (EC2 API reference): each association's Ipv6CidrBlockState.State is
  `associated`. moto 5.2.5 nests the whole state mapping in it (State is the text "{'State': 'associated'}"), so a
  reader of the subnets' address families (prerequisites_info, for network_type) sees no IPv6 CIDR.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.models.subnets import Subnet
from moto.ec2.responses.security_groups import SecurityGroups
from moto.secretsmanager.models import SecretsManagerBackend


def _same_ports(rule, ip_protocol, from_port, to_port):
    def number(value):
        return -1 if value in (None, "") else int(value)
    return (str(rule.ip_protocol) == str(ip_protocol) and number(rule.from_port) == number(from_port)
            and number(rule.to_port) == number(to_port))


def _describe_rules(backend, group_name_or_id, ip_protocol, from_port, to_port, ip_ranges, source_groups, vpc_id,
                    egress):
    group = backend.get_security_group_by_name_or_id(group_name_or_id, vpc_id)
    if group is None:
        raise InvalidSecurityGroupNotFoundError(group_name_or_id)
    wanted_groups = []
    for source in source_groups or []:
        group_id = source.get("GroupId")
        if not group_id and source.get("GroupName"):
            found = backend.get_security_group_by_name_or_id(source["GroupName"], vpc_id)
            group_id = found.id if found else None
        wanted_groups.append((group_id, source.get("Description")))
    for rule in group.egress_rules if egress else group.ingress_rules:
        if not _same_ports(rule, ip_protocol, from_port, to_port):
            continue
        for cidr in ip_ranges or []:
            for key in ("CidrIp", "CidrIpv6"):
                if isinstance(cidr, dict) and cidr.get(key) and rule.ip_range.get(key) == cidr[key] \
                        and "Description" in cidr:
                    rule.ip_range["Description"] = cidr["Description"]
        for group_id, description in wanted_groups:
            if group_id and rule.source_group.get("GroupId") == group_id and description is not None:
                rule.source_group["Description"] = description
    return group


def _backend_method(egress):
    def update(self, group_name_or_id, ip_protocol, from_port, to_port, ip_ranges, source_groups=None,
               prefix_list_ids=None, security_rule_ids=None, vpc_id=None):  # pylint: disable=unused-argument
        return _describe_rules(self, group_name_or_id, ip_protocol, from_port, to_port, ip_ranges, source_groups,
                               vpc_id, egress)
    return update


def _response_method(name):
    original = getattr(SecurityGroups, name)

    def answer(self):
        original(self)
        return ActionResult({"Return": True})
    return answer


def _secret_stage_follows_current(original):
    """UpdateSecretVersionStage, then the version labelled AWSCURRENT is the one GetSecretValue returns by default."""
    def update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
        answer = original(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
        if version_stage == "AWSCURRENT":
            secret = self.secrets[secret_id]
            current = [v for v, version in secret.versions.items() if "AWSCURRENT" in version["version_stages"]]
            if current:
                secret.default_version_id = current[0]
        return answer
    return update_secret_version_stage


def _ipv6_cidr_block_association_set(self):
    return [{"ipv6CidrBlock": association["ipv6CidrBlock"], "associationId": association["associationId"],
             "ipv6CidrBlockState": {"state": association["ipv6CidrBlockState"]["State"]}}
            for association in self.ipv6_cidr_block_associations.values()
            if association["ipv6CidrBlockState"]["State"] == "associated"]


def apply():
    if getattr(SecurityGroups, "_funmagic_patched", False):
        return
    for direction, egress in (("ingress", False), ("egress", True)):
        name = "update_security_group_rule_descriptions_" + direction
        setattr(SecurityGroupBackend, name, _backend_method(egress))
        setattr(SecurityGroups, name, _response_method(name))
    SecretsManagerBackend.update_secret_version_stage = _secret_stage_follows_current(
        SecretsManagerBackend.update_secret_version_stage)
    Subnet.ipv6_cidr_block_association_set = property(_ipv6_cidr_block_association_set)
    SecurityGroups._funmagic_patched = True
