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
