"""The AWS Price List Query API (service `pricing`), GetProducts only, from fixtures in AWS's format.

The request has already been parsed and validated against botocore's model (protocol.parse). GetProducts
filters products by ServiceCode and by product attributes (TERM_MATCH/EQUALS: equal values, CONTAINS, ANY_OF,
NONE_OF: comma-separated values), and answers PriceList items as JSON strings, at most MaxResults (1 to 100)
at a time with an opaque NextToken.

AWS serves this API from us-east-1, eu-central-1 and ap-south-1 only (api.pricing.<region>.amazonaws.com);
a client pointed at any other region finds no endpoint there. Through AWS_ENDPOINT_URL every region reaches
the emulator, so it refuses the other regions itself, with an error, to keep that mistake visible in tests.
"""

from __future__ import annotations

import json
import os

from . import protocol

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "pricing")
ENDPOINT_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")


def _load(directory: str) -> dict[str, list[dict]]:
    """Service code -> products, from <directory>/<ServiceCode>.json ({"PriceList": [...]} plus notes)."""
    catalog = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                catalog[name[:-len(".json")]] = json.load(handle)["PriceList"]
    return catalog


def _matches(product: dict, service_code: str, flt: dict) -> bool:
    field, kind, wanted = flt["Field"], flt["Type"], flt["Value"]
    value = service_code if field == "ServiceCode" else product["product"]["attributes"].get(field)
    if value is None:
        return False
    if kind in ("TERM_MATCH", "EQUALS"):
        return value == wanted
    if kind == "CONTAINS":
        return wanted in value
    values = [v.strip() for v in wanted.split(",")]
    return value in values if kind == "ANY_OF" else value not in values


class PriceList:
    def __init__(self, directory: str = FIXTURES):
        self.catalog = _load(directory)

    def handle(self, request: protocol.Request) -> dict:
        if request.region not in ENDPOINT_REGIONS:
            raise protocol.AWSError(
                "InvalidEndpoint", f"The Price List API has no endpoint in {request.region}; it is served from "
                f"{', '.join(ENDPOINT_REGIONS)}.")
        if request.operation != "GetProducts":
            raise protocol.AWSError("InvalidAction", f"The emulator's Price List API answers GetProducts only, "
                                    f"not {request.operation}.")
        return self.get_products(request.params)

    def get_products(self, params: dict) -> dict:
        service_code = params.get("ServiceCode")
        if service_code not in self.catalog:
            raise protocol.model_error("pricing", "NotFoundException",
                                       f"The emulator has no price list for service code {service_code}.")
        products = [p for p in self.catalog[service_code]
                    if all(_matches(p, service_code, f) for f in params.get("Filters", []))]
        limit = params.get("MaxResults", 100)
        if not 1 <= limit <= 100:
            raise protocol.model_error("pricing", "InvalidParameterException", "MaxResults must be between 1 and 100.")
        start = 0
        if "NextToken" in params:
            try:
                start = int(params["NextToken"])
            except ValueError:
                raise protocol.model_error("pricing", "InvalidNextTokenException",
                                           "The pagination token is invalid.") from None
        answer = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in products[start:start + limit]]}
        if start + limit < len(products):
            answer["NextToken"] = str(start + limit)
        return answer


def serialize(result: dict, request_id: str):
    """(status, headers, body) of a JSON 1.1 answer."""
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}
    return 200, headers, json.dumps(result).encode("utf-8")
