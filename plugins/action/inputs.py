# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""funmagic.elasticache.inputs: check every input of the roles at once, then resolve the model they use.

The roles' declared defaults (roles/*/defaults/main.yml) lie under the inventory's values, as Ansible
layers them, so the check is the same whether it runs first in a playbook or inside a role. See
plugins/plugin_utils/inputs.py for the rules and plugins/modules/inputs.py for the documentation.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import inputs

# amazon.aws's common options (module_defaults of group/funmagic.elasticache.aws), passed on to the lookups.
AWS_OPTIONS = ("region", "endpoint_url", "access_key", "secret_key", "session_token", "profile", "aws_ca_bundle",
               "validate_certs", "aws_config", "debug_botocore_endpoint_logs")
# The lookups are remembered for the run under this fact, keyed by the question (never by a credential).
LOOKUP_FACT = "funmagic_elasticache_lookups"
LOOKUP_KEY = ("region", "endpoint_url", "profile", "vpc_id", "app_security_group", "redis_security_group",
              "sns_topic_arns")
FOUND_KEYS = ("vpcs", "subnets", "app_security_groups", "redis_security_groups", "sns_topics")
# The Redis security group as the network role made it in this run: {group_id, group_name, vpc_id}.
REDIS_GROUP_FACT = "funmagic_elasticache_redis_security_group"
# The replication groups as last described in this run, on localhost: {key, replication_groups}. Written by the
# preflight (`remember: true`) and by the cache role after its wait; `reuse` reads them instead of describing
# again; the roles that change the groups (cache, auth, destroy) forget them (`remember: false`).
GROUPS_FACT = "funmagic_elasticache_groups"
# Role inputs read from the controller's view of the play (everything else belongs to the client hosts).
HOST_PREFIX = "client_"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("roles", "client_hosts", "discover", "describe", "reuse", "remember", "rotation")
                            + AWS_OPTIONS)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        self._facts = {}
        args = self._task.args
        roles = list(args.get("roles") or inputs.ROLES)
        specs, defaults = inputs.role_declarations()

        def value(name, source):
            return self._templar.template(source[name]) if name in source else defaults.get(name)

        variables = dict((name, value(name, task_vars)) for name in specs if not name.startswith(HOST_PREFIX))
        variables["aws_region"] = args.get("region") or task_vars.get("aws_region")
        variables["_rotation"] = bool(args.get("rotation"))
        client_variables = None
        if "client" in roles:
            hosts = args.get("client_hosts")
            if hosts is None:
                hosts = [task_vars.get("inventory_hostname")]
            hostvars = task_vars.get("hostvars") or {}
            client_variables = {}
            for host in hosts:
                source = hostvars[host] if host in hostvars and host != task_vars.get("inventory_hostname") \
                    else task_vars
                client_variables[host] = dict((name, value(name, source)) for name in specs
                                              if name.startswith(HOST_PREFIX))
        try:
            model = inputs.check(variables, specs, roles, client_variables)
            aws = dict((k, args[k]) for k in AWS_OPTIONS if args.get(k) is not None)
            groups = None
            if args.get("describe"):
                ids = [spec["replication_group_id"] for spec in model["instances"]]
                key = dict((k, aws.get(k)) for k in ("region", "endpoint_url", "profile"))
                model["describe_key"] = json.dumps(dict(key, ids=sorted(ids)), sort_keys=True)
                if args.get("reuse"):
                    groups = self._remembered_groups(model["describe_key"], task_vars)
            if args.get("discover"):
                found = self._discover(model, aws, task_vars, bool(args.get("describe")) and groups is None)
                model["network"].update(inputs.check_prerequisites(model, found))
                groups = found.get("replication_groups", groups)
            if args.get("describe"):
                self._describe(model, roles, aws, task_vars, groups, args.get("remember"))
        except inputs.InputError as e:
            raise AnsibleActionFail("Invalid inputs (%d problem%s), nothing was changed:\n- %s"
                                    % (len(e.errors), "" if len(e.errors) == 1 else "s", "\n- ".join(e.errors)))
        except ValueError as e:
            raise AnsibleActionFail(str(e))
        result.update(changed=False, model=model)
        if self._facts:
            result["ansible_facts"] = self._facts
        return result

    def _discover(self, model, aws, task_vars, describe):
        """Read-only lookups of what must exist, once per run: later calls with the same question reuse the
        answer (a fact on the host that ran them), so the preflight, network and cache roles ask AWS once.
        When they are asked (not remembered) and `describe`, the replication groups come in the same module
        execution, as `replication_groups` of the answer (never remembered with it: they change).

        An answer from before the network role made the Redis security group gets that group from what the
        network role remembered of it (REDIS_GROUP_FACT), so the cache role passes an id, not a name that every
        replication group would look up again."""
        question = dict(aws, vpc_id=model["network"]["vpc_id"] or None,
                        app_security_group=model["network"]["app_security_group"],
                        redis_security_group=model["network"]["redis_security_group"],
                        sns_topic_arns=(model.get("monitoring") or {}).get("actions") or [])
        key = json.dumps(dict((k, v) for k, v in question.items() if k in LOOKUP_KEY), sort_keys=True)
        remembered = dict(task_vars.get(LOOKUP_FACT) or {})
        groups = {}
        if key not in remembered:
            if describe:
                question["replication_group_ids"] = [spec["replication_group_id"] for spec in model["instances"]]
            answer = self._lookup("funmagic.elasticache.prerequisites_info", question, task_vars)
            remembered[key] = dict((k, answer[k]) for k in FOUND_KEYS)  # not its invocation (credentials)
            self._facts[LOOKUP_FACT] = remembered
            if describe:
                groups["replication_groups"] = answer["replication_groups"]
        answer = dict(remembered[key], **groups)
        made = task_vars.get(REDIS_GROUP_FACT) or {}
        if not answer["redis_security_groups"] and answer["vpcs"] and made.get("vpc_id") == \
                answer["vpcs"][0]["vpc_id"] and made.get("group_name") == model["network"]["redis_security_group"]:
            answer = dict(answer, redis_security_groups=[dict((k, made[k]) for k in ("group_id", "group_name"))])
        return answer

    @staticmethod
    def _remembered_groups(key, task_vars):
        """The replication groups as they were last described in this run (GROUPS_FACT, on localhost) under
        `key` (region, endpoint, profile and ids), or None."""
        remembered = ((task_vars.get("hostvars") or {}).get("localhost") or {}).get(GROUPS_FACT) or {}
        return remembered["replication_groups"] if remembered.get("key") == key else None

    def _describe(self, model, roles, aws, task_vars, groups, remember):
        """Connections and alarms from the specs plus the replication groups (described here when `groups` is
        None: not remembered nor described with the lookups)."""
        ids = [spec["replication_group_id"] for spec in model["instances"]]
        if groups is None:
            groups = self._lookup("funmagic.elasticache.replication_group_info",
                                  dict(aws, replication_group_ids=ids, tags=False, member_details=False),
                                  task_vars)["replication_groups"]
        if remember is not None:
            self._facts[GROUPS_FACT] = {"key": model["describe_key"], "replication_groups": groups} \
                if remember else {}
        if "cache" in roles:
            inputs.check_existing(model["instances"], groups, model["port"])
        existing = set(g["replication_group_id"] for g in groups)
        model["missing"] = [i for i in ids if i not in existing]
        present = [spec for spec in model["instances"] if spec["replication_group_id"] in existing]
        model["connections"] = inputs.connections(present, groups)
        model["alarms"] = inputs.alarms(present, groups, model.get("monitoring") or {})
        model["groups"] = dict((g["replication_group_id"], {
            "status": g.get("status"), "member_clusters": g.get("member_clusters") or [],
            "auth_token_enabled": bool(g.get("auth_token_enabled"))}) for g in groups)

    def _lookup(self, module, module_args, task_vars):
        answer = self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)
        if answer.get("failed"):
            raise AnsibleActionFail("%s failed: %s" % (module, answer.get("msg") or answer.get("module_stderr")),
                                    result=answer)
        return answer
