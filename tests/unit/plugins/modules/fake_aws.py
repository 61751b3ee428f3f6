"""Run a module's main() in-process against real botocore clients whose requests never leave the process.

botocore still validates every request against its service model, pages, waits and raises its modeled
exceptions; only the HTTP exchange is replaced: a `before-call` hook answers each operation from `answers`.
"""

from __future__ import annotations

from unittest import mock

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from botocore.validate import validate_parameters

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

NOWHERE = "http://127.0.0.1:9"  # never contacted: every call is answered before it is sent
_SESSION = botocore.session.get_session()  # one session: the service models are loaded once


class ModuleExit(Exception):
    def __init__(self, failed, result):
        super().__init__(result.get("msg", ""))
        self.failed, self.result = failed, result


class FakeAWS:
    """answers: operation -> a response dict, an error code string, an exception to raise, a callable
    taking the request parameters, or a list of those (one per call, the last one repeats)."""

    def __init__(self, answers=None):
        self.answers = dict(answers or {})
        self.calls = []
        self.sleeps = []

    def client(self, service):
        client = _SESSION.create_client(service, region_name="us-east-1", endpoint_url=NOWHERE,
                                        aws_access_key_id="testing", aws_secret_access_key="testing")
        client.meta.events.register("before-parameter-build", self._record)
        client.meta.events.register("before-call", self._answer)
        return client

    def operations(self):
        return [operation for operation, params in self.calls]

    def params(self, operation):
        return [params for name, params in self.calls if name == operation]

    def _record(self, params, model, **_kwargs):
        self.calls.append((model.name, dict(params)))

    def _answer(self, model, **_kwargs):
        if model.name not in self.answers:
            raise AssertionError("unexpected call %s" % model.name)
        answer = self.answers[model.name]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if callable(answer) and not isinstance(answer, type):
            answer = answer(self.calls[-1][1])
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, str):
            return AWSResponse(NOWHERE, 400, {}, None), {
                "Error": {"Code": answer, "Message": "emulated %s" % answer}, "ResponseMetadata": {}}
        if model.output_shape is not None:
            validate_parameters(answer, model.output_shape)
        return AWSResponse(NOWHERE, 200, {}, None), dict(answer, ResponseMetadata={"HTTPStatusCode": 200})

    def run(self, main, args, check_mode=False, region="us-east-1"):
        """main() with these module args; returns (failed, result). An uncaught exception propagates."""
        args = dict({"region": region} if region else {}, **args)
        if check_mode:
            args["_ansible_check_mode"] = True

        def leave(failed):
            def exit_or_fail(_module, **result):
                raise ModuleExit(failed, result)
            return exit_or_fail

        with patch_module_args(args), \
                mock.patch.object(AnsibleAWSModule, "client", lambda _self, service, **_kw: self.client(service)), \
                mock.patch.object(basic.AnsibleModule, "exit_json", leave(False)), \
                mock.patch.object(basic.AnsibleModule, "fail_json", leave(True)), \
                mock.patch("time.sleep", self.sleeps.append):
            try:
                main()
            except ModuleExit as outcome:
                return outcome.failed, outcome.result
        raise AssertionError("the module neither exited nor failed")


def unreachable():
    """A BotoCoreError, as botocore raises it when the endpoint cannot be reached."""
    return EndpointConnectionError(endpoint_url=NOWHERE)


def tags(**values):
    return {"TagList": [{"Key": k, "Value": v} for k, v in values.items()]}


def each_failure(scenarios):
    """Parametrize a test over every operation of `scenarios` failing with a ClientError and a BotoCoreError.

    scenarios: operation -> (a function returning a FakeAWS that reaches that operation, module args).
    """
    def decorate(test):
        test = pytest.mark.parametrize("operation", sorted(scenarios))(test)
        return pytest.mark.parametrize("error", ["InvalidParameterValue", unreachable()],
                                       ids=["ClientError", "BotoCoreError"])(test)
    return decorate


def fail_one(main, scenarios, operation, error):
    """Run the scenario in which `operation` fails; the module must fail naming it. Returns (fake, result)."""
    scenario, args = scenarios[operation]
    fake = scenario(**{operation: error})
    failed, result = fake.run(main, args)
    assert failed and result["msg"].startswith(operation + " failed"), result
    assert operation in fake.operations()
    return fake, result
