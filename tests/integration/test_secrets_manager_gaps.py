"""Secrets Manager staging labels on the emulator behave as AWS documents them (tests/emulator/moto_gaps.py)."""


def _stages(client, name):
    return sorted(tuple(v["VersionStages"]) for v in client.list_secret_version_ids(SecretId=name)["Versions"])


def test_moving_awscurrent_makes_that_version_the_one_read_without_a_stage(aws):
    client = aws.client("secretsmanager")
    client.create_secret(Name="gap/current", SecretString="first-value-0000000000")
    pending = client.put_secret_value(SecretId="gap/current", SecretString="second-value-000000000",
                                      VersionStages=["AWSPENDING"])["VersionId"]
    current = client.describe_secret(SecretId="gap/current")["VersionIdsToStages"]
    old = [version for version, stages in current.items() if "AWSCURRENT" in stages][0]
    client.update_secret_version_stage(SecretId="gap/current", VersionStage="AWSCURRENT", MoveToVersionId=pending,
                                       RemoveFromVersionId=old)
    client.update_secret_version_stage(SecretId="gap/current", VersionStage="AWSPENDING",
                                       RemoveFromVersionId=pending)
    assert client.get_secret_value(SecretId="gap/current")["SecretString"] == "second-value-000000000"
    assert client.get_secret_value(SecretId="gap/current")["VersionId"] == pending
    client.put_secret_value(SecretId="gap/current", SecretString="third-value-0000000000")
    assert _stages(client, "gap/current") == [(), ("AWSCURRENT",), ("AWSPREVIOUS",)]
    assert client.get_secret_value(SecretId="gap/current")["SecretString"] == "third-value-0000000000"
