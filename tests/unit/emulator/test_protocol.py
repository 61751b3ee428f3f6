import pytest
from werkzeug.datastructures import Headers

from tests.emulator import protocol


@pytest.mark.parametrize("service, operation, mutating", [
    ("cloudwatch", "PutMetricAlarm", True), ("cloudwatch", "DeleteAlarms", True),
    ("cloudwatch", "DescribeAlarms", False), ("cloudwatch", "GetMetricData", False),
    ("sns", "CreateTopic", True), ("sns", "Subscribe", True), ("sns", "ListTopics", False),
    ("sns", "CheckIfPhoneNumberIsOptedOut", False),
    ("ec2", "AuthorizeSecurityGroupIngress", True), ("ec2", "DescribeVpcs", False),
    ("ec2", "SearchTransitGatewayRoutes", False),
    ("elasticache", "TestFailover", True), ("elasticache", "DescribeEvents", False),
    ("logs", "TestMetricFilter", False), ("logs", "PutRetentionPolicy", True),
    ("sts", "GetCallerIdentity", False), ("sts", "AssumeRole", False),
    ("pricing", "GetProducts", False),
])
def test_mutating_is_decided_per_service(service, operation, mutating):
    assert protocol.is_mutating(service, operation) is mutating


@pytest.mark.parametrize("headers, path, wire", [
    ({"X-Amz-Target": "GraniteServiceVersion20100801.DescribeAlarms",
      "Content-Type": "application/x-amz-json-1.0"}, "/", "json"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, "/", "query"),
    ({"smithy-protocol": "rpc-v2-cbor"}, "/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
     "smithy-rpc-v2-cbor"),
])
def test_cloudwatch_is_understood_in_each_protocol_it_accepts(headers, path, wire):
    assert protocol.wire_protocol("cloudwatch", Headers(headers), path) == wire


def test_json_errors_carry_the_query_compatible_code():
    status, headers, body = protocol.serialize_error(
        "cloudwatch", protocol.AWSError("Throttling", "Rate exceeded"), "id-1", "json")
    assert status == 400 and headers["x-amzn-query-error"] == "Throttling;Sender"
    assert protocol.error_code(body) == "Throttling"


@pytest.mark.parametrize("body, code", [
    (b"<Response><Errors><Error><Code>InvalidGroup.NotFound</Code></Error></Errors></Response>",
     "InvalidGroup.NotFound"),
    (b'{"__type": "com.amazonaws.logs#ResourceNotFoundException", "message": "x"}', "ResourceNotFoundException"),
    (b"<!doctype html>", None),
])
def test_error_codes_are_read_from_any_answer(body, code):
    assert protocol.error_code(body) == code


def test_masked_parameters_hide_every_secret():
    masked = protocol.mask({"AuthToken": "Sup3r-Secret-Token-123", "Nested": [{"Password": "p"}], "Keep": 1})
    assert masked == {"AuthToken": "***", "Nested": [{"Password": "***"}], "Keep": 1}
