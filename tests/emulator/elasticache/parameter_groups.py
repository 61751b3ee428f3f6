"""Cache parameter groups: create, describe, parameters, modify, reset, delete.

Every family AWS documents can be created; parameters are known for the families of the catalog's engine versions.
"""

from __future__ import annotations

from .. import rules
from ..catalog import PARAMETER_GROUP_FAMILIES, PARAMETERS, allows
from ..protocol import AWSError
from .common import error, page, request_tags
from .model import Region


def combination_family(name, actual, wanted):
    return rules.combination(f"Parameter group {name} is of family {actual}, but the engine version needs {wanted}.")


class ParameterGroups:
    """The op_* handlers of cache parameter groups, and the parameters a group runs with."""

    def effective_parameters(self, region: Region, name: str) -> dict:
        group = region.parameter_groups[name]
        defaults = {k: v[0] for k, v in PARAMETERS[group["family"]].items()}
        return {**defaults, **group["values"]}

    def _parameter_group(self, region, name):
        group = region.parameter_groups.get(name)
        if group is None:
            raise error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
        return group

    def _parameter_group_for(self, region, name, family, cluster_mode):
        name = name or f"default.{family}{'.cluster.on' if cluster_mode else ''}"
        group = region.parameter_groups.get(name)
        if group is None:
            raise error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
        if group["family"] != family:
            raise combination_family(name, group["family"], family)
        cluster_enabled = self.effective_parameters(region, name).get("cluster-enabled") == "yes"
        if cluster_enabled != cluster_mode:
            raise rules.combination(
                f"Parameter group {name} has cluster-enabled={'yes' if cluster_enabled else 'no'}, which does not "
                f"match ClusterMode {'enabled' if cluster_mode else 'disabled'}."
            )
        return name

    @staticmethod
    def _parameters(group):
        """The catalog's parameters of a group's family; AWS has more families than the emulator has engines for."""
        if group["family"] not in PARAMETERS:
            raise AWSError("InvalidAction", f"The parameters of family {group['family']} are not implemented by the "
                                            "emulator.")
        return PARAMETERS[group["family"]]

    def _render_parameter_group(self, region, group):
        return {"CacheParameterGroupName": group["name"], "CacheParameterGroupFamily": group["family"],
                "Description": group["description"], "IsGlobal": False,
                "ARN": region.arn("parametergroup", group["name"])}

    def op_CreateCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        name = rules.identifier(p["CacheParameterGroupName"], "CacheParameterGroupName", max_length=255)
        if p["CacheParameterGroupFamily"] not in PARAMETER_GROUP_FAMILIES:
            raise rules.invalid(f"The parameter CacheParameterGroupFamily {p['CacheParameterGroupFamily']} is not "
                                f"valid; valid families are {', '.join(PARAMETER_GROUP_FAMILIES)}.")
        if name in region.parameter_groups:
            raise error("CacheParameterGroupAlreadyExists", f"Parameter group {name} already exists.")
        group = {"name": name, "family": p["CacheParameterGroupFamily"], "description": p["Description"],
                 "values": {}, "default": False}
        region.parameter_groups[name] = group
        rendered = self._render_parameter_group(region, group)
        region.tags[rendered["ARN"]] = request_tags(p)
        return {"CacheParameterGroup": rendered}

    def op_DescribeCacheParameterGroups(self, region, p):  # pylint: disable=invalid-name
        if "CacheParameterGroupName" in p:
            groups = [self._parameter_group(region, p["CacheParameterGroupName"])]
        else:
            groups = [region.parameter_groups[k] for k in sorted(region.parameter_groups)]
        return page([self._render_parameter_group(region, g) for g in groups], p, "CacheParameterGroups")

    def op_DescribeCacheParameters(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        parameters = []
        for name, (default, data_type, allowed, modifiable, change) in sorted(self._parameters(group).items()):
            source = "user" if name in group["values"] else "system"
            wanted = p.get("Source")
            if wanted and wanted != source and not (wanted == "engine-default" and source == "system"):
                continue
            entry = {"ParameterName": name, "ParameterValue": group["values"].get(name, default),
                     "Description": f"Redis {name}", "Source": source, "DataType": data_type,
                     "IsModifiable": modifiable, "MinimumEngineVersion": "6.0.0", "ChangeType": change}
            if allowed is not None:
                entry["AllowedValues"] = allowed
            parameters.append(entry)
        return page(parameters, p, "Parameters")

    def _modifiable(self, group, action):
        if group["default"]:
            raise error("InvalidCacheParameterGroupState",
                        f"Default parameter group {group['name']} cannot be {action}.")

    def op_ModifyCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        self._modifiable(group, "modified")
        if len(p["ParameterNameValues"]) > 20:
            raise rules.invalid("At most 20 parameters can be modified in one request.")
        known = self._parameters(group)
        updates = {}
        for item in p["ParameterNameValues"]:
            name, value = item.get("ParameterName"), item.get("ParameterValue")
            if name not in known:
                raise rules.invalid(f"Unknown parameter {name} for family {group['family']}.")
            data_type, allowed, modifiable = known[name][1:4]
            if not modifiable:
                raise rules.invalid(f"Parameter {name} is not modifiable.")
            if value is None or not allows(allowed, data_type, value):
                raise rules.invalid(f"Invalid value {value!r} for parameter {name}; allowed values are {allowed}.")
            updates[name] = value
        if "cluster-enabled" in updates and any(g.parameter_group == group["name"] for g in region.all_groups()):
            raise error("InvalidCacheParameterGroupState",
                        "cluster-enabled cannot be changed on a parameter group that is in use.")
        group["values"].update(updates)
        return {"CacheParameterGroupName": group["name"]}

    def op_ResetCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        self._modifiable(group, "reset")
        names = [item.get("ParameterName") for item in p.get("ParameterNameValues", [])]
        if p.get("ResetAllParameters"):
            if names:
                raise rules.combination("Give either ResetAllParameters or ParameterNameValues, not both.")
            group["values"].clear()
        elif names:
            for name in names:
                if name not in self._parameters(group):
                    raise rules.invalid(f"Unknown parameter {name} for family {group['family']}.")
                group["values"].pop(name, None)
        else:
            raise rules.combination("Give ResetAllParameters or ParameterNameValues.")
        return {"CacheParameterGroupName": group["name"]}

    def op_DeleteCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        self._modifiable(group, "deleted")
        users = [g.id for g in region.all_groups() if g.parameter_group == group["name"]]
        if users:
            raise error("InvalidCacheParameterGroupState",
                        f"One or more cache clusters are still members of parameter group {group['name']}: "
                        f"{', '.join(users)}.")
        del region.parameter_groups[group["name"]]
        region.tags.pop(region.arn("parametergroup", group["name"]), None)
        return {}
