# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""funmagic.elasticache.inputs: check every input of the roles at once, then resolve the model they use.

The roles' declared defaults (roles/*/defaults/main.yml) lie under the inventory's values, as Ansible
layers them, so the check is the same whether it runs first in a playbook or inside a role. The rules are in
plugins/plugin_utils (specs, rules, existing, derived), the run's memo in plugin_utils/memo.py, the options in
module_utils/inputs_options.py and the documentation, the returned model included, in plugins/modules/inputs.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.funmagic.elasticache.plugins.module_utils.inputs_options import ARGUMENT_SPEC
from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import changes
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import existing
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import global_spec
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import kind_move
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import memo as run_memo
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rbac
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rules
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import specs as role_specs
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import tls_move

# amazon.aws's common options (module_defaults of group/funmagic.elasticache.aws), passed on to the lookups, which
# check them.
AWS_OPTIONS = ("region", "endpoint_url", "access_key", "secret_key", "session_token", "profile", "aws_ca_bundle",
               "validate_certs", "aws_config", "debug_botocore_endpoint_logs")
# Role inputs read from the controller's view of the play (everything else belongs to the client hosts).
HOST_PREFIX = "client_"


def _serverless_names(model):
    """The serverless caches' names (kind serverless), in the order of cache_instances."""
    return [spec["replication_group_id"] for spec in model["instances"] if is_serverless(spec)]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(tuple(ARGUMENT_SPEC) + AWS_OPTIONS)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._arguments()
        memo = run_memo.read(task_vars)
        before = dict(memo)
        aws = dict((k, args[k]) for k in AWS_OPTIONS if args.get(k) is not None)
        try:
            model = self._check(args, task_vars)
            errors = kind_move.move_instance_errors(task_vars.get("move_instance"), task_vars.get("move_kind_playbook"))
            if errors:
                raise role_specs.InputError(errors)
            ids = [spec["replication_group_id"] for spec in model["instances"]]
            names = _serverless_names(model)
            key = run_memo.describe_key(aws, ids)
            record = args["record"] or {}
            groups = caches = None
            if args["describe"] and args["reuse"]:
                groups, caches = run_memo.groups(memo, key), run_memo.serverless_caches(memo, key)
                if caches is None and names:
                    groups = None  # remembered without the serverless caches: described again, both
            found = None
            if args["discover"]:
                memo, found = self._discover(memo, model, aws, task_vars, args["describe"] and groups is None)
                groups = found.get("replication_groups", groups)
                caches = found.get("serverless_caches", caches)
            if args["describe"] and "cache" in args["roles"] and groups and \
                    any(g.get("parameter_group") is None for g in groups):
                groups = None  # described without members (a status poll): the changes need engine versions
            if args["describe"] and groups is None:
                answer = self._lookup("funmagic.elasticache.replication_group_info",
                                      dict(aws, replication_group_ids=ids, tags=False,
                                           member_details="cache" in args["roles"], serverless_cache_names=names),
                                      task_vars)
                groups, caches = answer["replication_groups"], answer.get("serverless_caches")
            caches = caches or []
            if found is not None:
                model["network"].update(existing.check_prerequisites(model, found, groups))
                memo = self._discover_regions(memo, model, aws, task_vars)
                if record.get("redis_security_group_id"):
                    memo = run_memo.with_redis_security_group(memo, record["redis_security_group_id"],
                                                              model["network"])
            if args["describe"]:
                model["describe_key"] = key
                regional = self._describe_regions(model, groups, aws, task_vars)
                self._describe(model, args["roles"], groups, caches, regional, task_vars.get("move_instance"),
                               task_vars.get("move_snapshot_arn"))
                warnings = [w for host, client in sorted((model.get("clients") or {}).items())
                            for w in derived.host_warnings(host, client["region"], client["connections"],
                                                           client["workers"])]
                warnings.extend((model.get("move") or {}).get("warnings") or [])
                if warnings:
                    result["warnings"] = warnings
                if "cache" in args["roles"]:
                    self._plan_changes(model, groups, aws, task_vars)
                if "failover_drill" in args["roles"]:
                    existing.check_drill(model)
                if args["remember"] is not None:
                    memo = run_memo.with_groups(memo, key, groups if args["remember"] else None, caches)
            if record.get("replication_groups") is not None:
                memo = run_memo.with_groups(memo, key, record["replication_groups"], record.get("serverless_caches"))
            if args["remember"]:
                memo = run_memo.with_checked_roles(memo, args["roles"])
                if "rollout_batch" in model:
                    memo = dict(memo, rollout_batch=model["rollout_batch"])
        except role_specs.InputError as e:
            raise AnsibleActionFail("Invalid inputs (%d problem%s), nothing was changed:\n- %s"
                                    % (len(e.errors), "" if len(e.errors) == 1 else "s", "\n- ".join(e.errors)))
        except ValueError as e:
            raise AnsibleActionFail(str(e))
        result.update(changed=False, model=model)
        if memo != before:
            result["ansible_facts"] = {run_memo.FACT: memo}
        return result

    def _arguments(self):
        """The task's arguments, checked against the options the module stub documents (types, choices)."""
        spec = dict(ARGUMENT_SPEC, **dict((name, {"type": "raw"}) for name in AWS_OPTIONS))
        validation, args = self.validate_argument_spec(argument_spec=spec)
        del validation  # validate_argument_spec raises AnsibleActionFail, naming the argument, on any error
        return args

    def _check(self, args, task_vars):
        """rules.check() on the variables of the play, the client_* ones per application host."""
        roles = args["roles"]
        declared, defaults = role_specs.role_declarations()
        # The secret maps: where the play has not loaded the cache role's defaults, the same lookups (empty maps with
        # cache_secrets: vault, the secrets that exist in Secrets Manager otherwise).
        defaults.update(role_specs.secret_map_templates())

        def value(name, source):
            return self._templar.template(source[name] if name in source else defaults.get(name))

        variables = dict((name, value(name, task_vars)) for name in declared if not name.startswith(HOST_PREFIX))
        variables["aws_region"] = args.get("region") or task_vars.get("aws_region")
        variables["_rotation"] = args["rotation"]
        variables["_batch_size"] = task_vars.get("redis_batch_size")
        variables["_inventory"] = {"hosts": sorted(task_vars.get("hostvars") or {}), "groups": task_vars.get("groups") or {}}
        removed = set(name for name in role_specs.REMOVED if name in task_vars)
        client_variables = None
        if "client" in roles:
            hosts = args["client_hosts"]
            if hosts is None:
                hosts = [task_vars.get("inventory_hostname")]
            hostvars = task_vars.get("hostvars") or {}
            client_variables, batches = {}, {}
            for host in hosts:
                source = hostvars[host] if host in hostvars and host != task_vars.get("inventory_hostname") \
                    else task_vars
                client_variables[host] = dict((name, value(name, source)) for name in declared
                                              if name.startswith(HOST_PREFIX))
                if not client_variables[host].get("client_region"):
                    # The amazon.aws.aws_ec2 inventory plugin's host variable: the instance's Region.
                    placement = self._templar.template(source.get("placement")) or {}
                    client_variables[host]["client_region"] = placement.get("region") \
                        if isinstance(placement, dict) else None
                removed.update(name for name in role_specs.REMOVED if name in source)
                if "cache_rollout_batch" in source and source is not task_vars:
                    batches[host] = self._templar.template(source["cache_rollout_batch"])
            variables["_host_rollout_batches"] = batches
        return rules.check(variables, declared, roles, client_variables, removed)

    def _discover(self, memo, model, aws, task_vars, describe):
        """(memo, answer): read-only lookups of what must exist and of every AWS object the inputs name, once per run (later calls with the same question
        get the remembered answer, so the preflight, network and cache roles ask AWS once). When they are asked (not
        remembered) and `describe`, the replication groups come in the same module execution, as
        `replication_groups` of the answer (never remembered with it: they change)."""
        question = dict(aws, vpc_id=model["network"]["vpc_id"] or None,
                        app_security_group=model["network"]["app_security_group"],
                        redis_security_group=model["network"]["redis_security_group"], **model["named"])
        key = run_memo.lookup_key(question)
        answer = run_memo.lookup(memo, key, model["network"])
        if answer is not None:
            return memo, answer
        if describe:
            names = _serverless_names(model)
            # A replication group under a serverless instance's name is described too: existing refuses it.
            question["replication_group_ids"] = [spec["replication_group_id"] for spec in model["instances"]]
            question["serverless_cache_names"] = names
        answer = self._lookup("funmagic.elasticache.prerequisites_info", question, task_vars)
        memo = run_memo.with_lookup(memo, key, answer)
        found = run_memo.lookup(memo, key, model["network"])
        if describe:
            found["replication_groups"] = answer["replication_groups"]
            found["serverless_caches"] = answer.get("serverless_caches") or []
        return memo, found

    def _discover_regions(self, memo, model, aws, task_vars):
        """The read-only lookups of each secondary Region of a global datastore (its VPC, subnets, application and
        Redis security groups), once per run; what a Region lacks is refused naming the Region."""
        errors = []
        for region, network in sorted(model["network"]["regions"].items()):
            question = dict(aws, region=region, vpc_id=network["vpc_id"] or None,
                            app_security_group=network["app_security_group"],
                            redis_security_group=network["redis_security_group"])
            key = run_memo.lookup_key(question)
            found = run_memo.lookup(memo, key, network)
            if found is None:
                memo = run_memo.with_lookup(memo, key, self._lookup("funmagic.elasticache.prerequisites_info",
                                                                    question, task_vars))
                found = run_memo.lookup(memo, key, network)
            try:
                network.update(global_spec.check_region(model, region, found))
            except role_specs.InputError as e:
                errors.extend(e.errors)
        if errors:
            raise role_specs.InputError(errors)
        return memo

    def _describe_regions(self, model, groups, aws, task_vars):
        """Region -> its replication groups of the instances with a global datastore whose primary group exists
        (read-only, one call per secondary Region), the inventory's aws_region -> `groups`; {} when there is none."""
        wanted, present = {}, set(g["replication_group_id"] for g in groups)
        for spec in model["instances"]:
            if spec["replication_group_id"] not in present:
                continue  # nothing to connect to yet, in any Region
            for region in (spec.get("global") or {}).get("regions") or []:
                wanted.setdefault(region, []).append(spec["replication_group_id"])
        if not wanted:
            return {}
        regional = {model["region"]: groups}
        for region, ids in sorted(wanted.items()):
            regional[region] = self._lookup("funmagic.elasticache.replication_group_info",
                                            dict(aws, region=region, replication_group_ids=ids, tags=False,
                                                 member_details=False), task_vars)["replication_groups"]
        return regional

    @staticmethod
    def _describe(model, roles, groups, caches=(), regional=None, move_instance=None, move_snapshot_arn=None):
        """Adds connections, alarms and what is missing, from the specs plus the described replication groups and
        serverless caches; with move_instance (playbooks/move_kind.yml), the move's plan (plugin_utils/kind_move.py),
        and the snapshot its target is restored from (move_snapshot_arn)."""
        ids = [spec["replication_group_id"] for spec in model["instances"]]
        if "cache" in roles:
            strategies = existing.check_existing(model["instances"], groups, model["port"])
            for spec in model["instances"]:
                if spec["replication_group_id"] in strategies:
                    spec["auth_strategy"] = strategies[spec["replication_group_id"]]
        names = _serverless_names(model)
        present_ids = set(g["replication_group_id"] for g in groups if g["replication_group_id"] not in names) | \
            set(c["serverless_cache_name"] for c in caches if c["serverless_cache_name"] in names)
        model["missing"] = [i for i in ids if i not in present_ids]
        # A move from nodes to serverless (playbooks/move_kind.yml): refusals, the plan, the target's snapshot; the hosts
        # use a move's target for its purpose once it exists, never the source.
        replaced = kind_move.describe(model, present_ids, groups, caches, move_instance, move_snapshot_arn,
                                      "cache" in roles)
        present = [spec for spec in model["instances"] if spec["replication_group_id"] in present_ids]
        model["connections"] = derived.connections([s for s in present if s["name"] not in replaced], groups, caches,
                                                   model["region"], regional)
        for client in (model.get("clients") or {}).values():
            client["connections"] = derived.host_connections(model["connections"], client["region"])
        model["tls_moves"] = tls_move.moves([s for s in present if s["replication_group_id"] not in names], groups)
        model["rbac_moves"] = rbac.moves([s for s in present if s["replication_group_id"] not in names], groups)
        model["alarms"] = (derived.alarms(present, groups, model.get("monitoring") or {})
                           + derived.serverless_alarms(model["instances"], model.get("monitoring") or {}))

    def _plan_changes(self, model, groups, aws, task_vars):
        """The in-place changes of the groups that exist (plugin_utils/changes.py), refused before anything changes
        when AWS would refuse them; the used memory of a group to scale down comes from CloudWatch
        (BytesUsedForCache), read only when there is one."""
        members = changes.scale_downs(model["instances"], groups)
        used = {}
        if members:
            ids = sorted(set(m for found in members.values() for m in found))
            answer = self._lookup("funmagic.elasticache.cache_memory_info", dict(aws, cache_cluster_ids=ids), task_vars)
            for group_id, found in members.items():
                values = [answer["used_bytes"][m] for m in found if answer["used_bytes"].get(m) is not None]
                used[group_id] = max(values) if values else None
        errors, decisions = changes.plan(model["instances"], groups, rules.family, used,
                                         model["cache"]["apply_immediately"] is not False)
        if errors:
            raise role_specs.InputError(errors)
        for spec in model["instances"]:
            decision = decisions[spec["replication_group_id"]]
            spec.update(parameter_group=decision["parameter_group"], engine_change=decision["engine_change"],
                        node_type_change=decision["node_type_change"])
        model["parameter_groups"] = derived.parameter_groups(model)
        model["parameter_groups_retired"] = sorted(set(n for d in decisions.values() for n in d["retire"]))
        model["changes"] = changes.summary(decisions)

    def _lookup(self, module, module_args, task_vars):
        answer = self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)
        if answer.get("failed"):
            raise AnsibleActionFail("%s failed: %s" % (module, answer.get("msg") or answer.get("module_stderr")),
                                    result=answer)
        return answer
