"""Put into the emulated account what a real one already has before the runbook: the app's EC2 group.

    python -m tests.testbed.seed --endpoint http://127.0.0.1:5757
"""

from __future__ import annotations

import argparse
import sys

import boto3

APP_SECURITY_GROUP = "funmagic-ec2-sg"


def seed(endpoint: str, region: str = "us-east-1") -> str:
    """Create the application security group in the default VPC if missing; return its id."""
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    found = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [APP_SECURITY_GROUP]},
                                                  {"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    if found:
        return found[0]["GroupId"]
    return ec2.create_security_group(GroupName=APP_SECURITY_GROUP, VpcId=vpc,
                                     Description="Application EC2 instances (test bed)")["GroupId"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.testbed.seed")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="us-east-1")
    options = parser.parse_args(argv)
    print(seed(options.endpoint, options.region))
    return 0


if __name__ == "__main__":
    sys.exit(main())
