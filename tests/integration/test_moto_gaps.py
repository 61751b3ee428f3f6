"""The emulator answers like AWS where moto does not (tests/emulator/moto_gaps.py)."""


def test_rule_description_update_answers_return_true_and_changes_the_description(aws):
    vpc = aws.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    source = aws.ec2.create_security_group(GroupName="app", VpcId=vpc, Description="app")["GroupId"]
    group = aws.ec2.create_security_group(GroupName="redis", VpcId=vpc, Description="redis")["GroupId"]
    rule = {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "UserIdGroupPairs": [{"GroupId": source}]}
    aws.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[rule])
    described = dict(rule, UserIdGroupPairs=[{"GroupId": source, "Description": "Redis from app"}])
    answer = aws.ec2.update_security_group_rule_descriptions_ingress(GroupId=group, IpPermissions=[described])
    assert answer["Return"] is True
    pairs = aws.ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"][0]["UserIdGroupPairs"]
    assert pairs[0].get("Description") == "Redis from app"


def test_a_subnets_ipv6_cidr_is_described_as_associated(aws):
    vpc = aws.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnet = aws.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    aws.ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock="2600:1f18:0:1::/64")
    described = aws.ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["Ipv6CidrBlockAssociationSet"]
    assert [(a["Ipv6CidrBlock"], a["Ipv6CidrBlockState"]["State"]) for a in described] == [
        ("2600:1f18:0:1::/64", "associated")]
