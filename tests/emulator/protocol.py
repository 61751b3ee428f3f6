"""AWS wire protocol for the emulator, driven by botocore's own service models.

Every request is parsed against the operation's input shape and validated there, so that a
parameter AWS would refuse (unknown, missing, wrong type, out of range, not in the enum) is
refused here too, with the error code AWS's query APIs use.
"""

from __future__ import annotations

import functools
import io
import json
import re
import uuid
from urllib.parse import parse_qs

from botocore.parsers import BaseCBORParser
from botocore.validate import ParamValidator
from moto.core.parse import EC2QueryParser, JSONParser, QueryParser
from moto.core.serialize import QuerySerializer
from moto.core.utils import get_service_model

# The credential scope in a SigV4 signature names the signing name, not always the service name.
SIGNING_NAME_TO_SERVICE = {"monitoring": "cloudwatch", "email": "ses"}

# Operations that change nothing, by service: every other operation counts as mutating. Read from the
# operation names in botocore's models; the extra entries are the read-only operations whose verb is not
# Describe/List/Get (STS AssumeRole* hands out credentials but changes no resource in the account).
_READ_ONLY = ("Describe", "List", "Get")
READ_ONLY_OPERATIONS = {
    "ec2": _READ_ONLY + ("Search",),
    "elasticache": _READ_ONLY,
    "cloudwatch": _READ_ONLY,
    "sns": _READ_ONLY + ("CheckIfPhoneNumberIsOptedOut",),
    "sts": _READ_ONLY + ("AssumeRole", "DecodeAuthorizationMessage"),
    "logs": _READ_ONLY + ("FilterLogEvents", "TestMetricFilter", "TestTransformer"),
    "pricing": _READ_ONLY,
}

_SECRET_KEY = re.compile(r"(auth.?token|password|secret)", re.IGNORECASE)
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


class AWSError(Exception):
    """An error answered the way AWS answers it: a code, a message and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400, sender: bool = True):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender


@functools.lru_cache(maxsize=None)
def service_model(service: str):
    """botocore's service-2 model of `service`, in the shape classes moto's parsers expect."""
    return get_service_model(service)


@functools.lru_cache(maxsize=None)
def error_status(service: str, code: str) -> int:
    for shape in service_model(service).error_shapes:
        if shape.error_code == code:
            return shape.metadata.get("error", {}).get("httpStatusCode", 400)
    return 400


def model_error(service: str, code: str, message: str) -> AWSError:
    """An error whose HTTP status comes from the service model, as AWS sends it."""
    return AWSError(code, message, error_status(service, code))


class Request:
    """What the emulator needs to know about one AWS request."""

    def __init__(self, service, region, operation, params, protocol):
        self.service = service
        self.region = region
        self.operation = operation
        self.params = params
        self.protocol = protocol
        self.request_id = str(uuid.uuid4())


def is_mutating(service: str, operation: str) -> bool:
    """Whether an operation can change state; unknown services count every operation but reads as mutating."""
    return not operation.startswith(READ_ONLY_OPERATIONS.get(service, _READ_ONLY))


def wire_protocol(service: str, headers, path: str) -> str:
    """The protocol a request was sent in: a service may accept several (CloudWatch: CBOR, JSON and query)."""
    if headers.get("smithy-protocol") == "rpc-v2-cbor" or "/operation/" in path:
        return "smithy-rpc-v2-cbor"
    if headers.get("X-Amz-Target") or "x-amz-json" in headers.get("Content-Type", ""):
        return "json"
    model_protocol = service_model(service).protocol
    # A form body to a CBOR-first service (CloudWatch) is its query protocol.
    return "query" if model_protocol == "smithy-rpc-v2-cbor" else model_protocol


def identify(headers, path: str, body: bytes):
    """Return (service, region, operation) of a signed request, or None if it is not one."""
    match = _CREDENTIAL.search(headers.get("Authorization", ""))
    if not match:
        return None
    region, signing_name = match.groups()
    service = SIGNING_NAME_TO_SERVICE.get(signing_name, signing_name)
    try:
        protocol = wire_protocol(service, headers, path)
    except Exception:  # pylint: disable=broad-except
        return service, region, None  # a service botocore does not know: moto answers it
    if protocol in ("query", "ec2"):
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        operation = form.get("Action", [None])[0]
    elif protocol == "json":
        operation = headers.get("X-Amz-Target", "").rpartition(".")[2] or None
    elif protocol == "smithy-rpc-v2-cbor":
        operation = path.rstrip("/").rpartition("/operation/")[2] or None
    else:
        operation = None
    return service, region, operation


class _RecordingValues(dict):
    """The flat query parameters, remembering which ones the parser looked at."""

    def __init__(self, *args):
        super().__init__(*args)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


class _CBORDecoder(BaseCBORParser):
    def decode(self, data: bytes):
        if not data:
            return {}
        return self.parse_data_item(self.get_peekable_stream_from_bytes(data))


def parse(service: str, region: str, operation: str, headers, path: str, body: bytes) -> Request:
    """Parse and validate a request against botocore's model; raise AWSError as AWS would."""
    model = service_model(service)
    protocol = wire_protocol(service, headers, path)
    try:
        op_model = model.operation_model(operation)
    except Exception:
        raise AWSError("InvalidAction", f"The action {operation} is not valid for this web service.") from None

    if protocol in ("query", "ec2"):
        flat = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        values = _RecordingValues(flat)
        parser = QueryParser(op_model) if protocol == "query" else EC2QueryParser(op_model)
        try:
            params = parser.parse({"values": values})
        except ValueError as exc:
            raise AWSError("InvalidParameterValue", f"A parameter has a value of the wrong type: {exc}") from None
        unknown = sorted(set(flat) - values.read - {"Action", "Version"})
        if unknown:
            code = "UnknownParameter" if protocol == "ec2" else "InvalidParameterValue"
            raise AWSError(code, f"The parameter {unknown[0]} is not recognized.")
    elif protocol == "json":
        params = JSONParser(op_model).parse({"body": body})
    elif protocol == "smithy-rpc-v2-cbor":
        params = _CBORDecoder().decode(body)
    else:
        raise AWSError("InvalidAction", f"The emulator does not speak the {protocol} protocol.")

    if op_model.input_shape is not None:
        validate(params, op_model.input_shape)
    return Request(service, region, operation, params, protocol)


def validate(params: dict, shape) -> None:
    """botocore's client-side checks, plus what only the server checks: max, enum, unknown keys."""
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        text = report.generate_report()
        code = "MissingParameter" if "Missing required parameter" in text else "InvalidParameterValue"
        raise AWSError(code, text.replace("\n", " "))
    _check_server_side(params, shape, shape.name)


def _check_server_side(value, shape, name):
    if shape.type_name == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key not in shape.members:
                raise AWSError("InvalidParameterValue", f"The parameter {key} is not recognized.")
            _check_server_side(item, shape.members[key], key)
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            raise AWSError("InvalidParameterValue", f"{name} may have at most {shape.metadata['max']} members.")
        for item in value:
            _check_server_side(item, shape.member, name)
    elif shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            raise AWSError(
                "InvalidParameterValue",
                f"Invalid value '{value}' for {name}; valid values are: {', '.join(shape.enum)}.",
            )
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            raise AWSError("InvalidParameterValue", f"{name} must be at most {shape.metadata['max']} characters.")


def mask(params):
    """A copy of the parameters that is safe to log: secrets are replaced by '***'."""
    if isinstance(params, dict):
        return {k: ("***" if _SECRET_KEY.search(k) and v is not None else mask(v)) for k, v in params.items()}
    if isinstance(params, list):
        return [mask(v) for v in params]
    if isinstance(params, (bytes, bytearray)):
        return f"<{len(params)} bytes>"
    return params if isinstance(params, (str, int, float, bool, type(None))) else str(params)


def serialize_result(service: str, operation: str, result: dict, request_id: str):
    """Return (status, headers, body) of a successful query-protocol answer."""
    op_model = service_model(service).operation_model(operation)
    serializer = QuerySerializer(op_model)
    serializer.context.request_id = request_id
    response = serializer.serialize(result)
    return response["status_code"], response["headers"], _as_bytes(response["body"])


def serialize_error(service: str, error: AWSError, request_id: str, protocol: str = "query"):
    """Return (status, headers, body) of an error in the request's protocol."""
    if protocol in ("query", "ec2"):
        namespace = service_model(service).metadata.get("xmlNamespace", "")
        body = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{"Sender" if error.sender else "Receiver"}</Type>'
            f"<Code>{_xml(error.code)}</Code><Message>{_xml(error.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        if protocol == "ec2":
            body = (
                f"<Response><Errors><Error><Code>{_xml(error.code)}</Code><Message>{_xml(error.message)}</Message>"
                f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
            )
        return error.status, {"Content-Type": "text/xml"}, body.encode("utf-8")
    if protocol == "json":
        metadata = service_model(service).metadata
        headers = {"Content-Type": f"application/x-amz-json-{metadata.get('jsonVersion', '1.0')}",
                   "x-amzn-RequestId": request_id}
        if "awsQueryCompatible" in metadata:
            # botocore takes the query-style code from this header (CloudWatch answers JSON this way).
            headers["x-amzn-query-error"] = f"{error.code};{'Sender' if error.sender else 'Receiver'}"
        body = json.dumps({"__type": error.code, "message": error.message})
        return error.status, headers, body.encode("utf-8")
    # botocore retries a 5xx on every protocol whatever its body; a 4xx needs the protocol's body,
    # which the emulator does not write for CBOR.
    return (error.status if error.status >= 500 else 503), {"Content-Type": "text/plain"}, b""


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _as_bytes(body) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, io.IOBase):
        return body.read()
    return str(body).encode("utf-8")


_XML_CODE = re.compile(rb"<Code>([^<]+)</Code>")


def error_code(body: bytes) -> str | None:
    """The error code in an AWS error answer of any of the protocols moto writes."""
    match = _XML_CODE.search(body)
    if match:
        return match.group(1).decode("utf-8", "replace")
    try:
        data = json.loads(body)
    except ValueError:
        return None
    code = data.get("__type") if isinstance(data, dict) else None
    return code.rpartition("#")[2] if isinstance(code, str) else None
