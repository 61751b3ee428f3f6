"""Fixtures for every scenario's testinfra tests: the bed create.yml brought up, its hosts, boto3 on its emulator.

Molecule runs pytest from the scenario directory with MOLECULE_SCENARIO_NAME set; pytest.ini at the
repository root puts the checkout on sys.path.
"""

import os

import boto3
import pytest
import testinfra
import yaml
from botocore.config import Config

from tests.emulator.__main__ import ROOT
from tests.molecule_support import bed as testbed

SCENARIO = os.environ.get("MOLECULE_SCENARIO_NAME", "default")


@pytest.fixture(scope="session")
def bed():
    return testbed.load(SCENARIO)


@pytest.fixture(scope="session")
def inputs():
    """The scenario's inventory, as the user wrote it."""
    with open(os.path.join(ROOT, "molecule", SCENARIO, "inventory", "group_vars", "all.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def hosts(bed):
    """name -> testinfra host, through testinfra's native chroot backend."""
    return {name: testinfra.get_host(rootfs, connection="chroot") for name, rootfs in bed["hosts"].items()}


@pytest.fixture(scope="session")
def aws(bed):
    # Explicit endpoint and dummy credentials: nothing here can reach AWS or the metadata service.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    aws_session_token="testing", region_name="us-east-1")
    config = Config(retries={"max_attempts": 2, "mode": "standard"})

    class Clients:
        ec2 = session.client("ec2", endpoint_url=bed["endpoint"], config=config)
        elasticache = session.client("elasticache", endpoint_url=bed["endpoint"], config=config)
        cloudwatch = session.client("cloudwatch", endpoint_url=bed["endpoint"], config=config)

    return Clients
