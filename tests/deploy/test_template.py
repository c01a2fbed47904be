"""The CloudFormation template osls generates (tests/deploy/conftest.py): resources,
wiring, IAM without wildcards, the table as defined locally."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.storage import tables
from tests.deploy.conftest import KEPT_STREAM, KEPT_TABLE, SKILL_ID

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = {"skill": "SkillLambdaFunction", "notifier": "NotifierLambdaFunction",
             "overdue": "OverdueLambdaFunction", "webhooks": "WebhooksLambdaFunction",
             "mcp": "McpLambdaFunction", "smsReply": "SmsReplyLambdaFunction"}  # fmt: skip


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def strings(value: Any) -> Iterator[str]:
    """Every literal string inside a value, intrinsic functions included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)


def statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(role, statement) for every identity policy in the template."""
    for name, role in resources(template, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                if "Fn::If" in statement:
                    # A conditional statement: check what it would be when in force.
                    statement = statement["Fn::If"][1]
                yield name, statement
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for name, policy in resources(template, kind).items():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                yield name, statement


def resolved(value: Any, conditions: dict[str, bool]) -> Any:
    """``value`` as CloudFormation deploys it when ``conditions`` hold as given."""
    if isinstance(value, list):
        return [resolved(item, conditions) for item in value]
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            condition, when, otherwise = value["Fn::If"]
            return resolved(when if conditions[condition] else otherwise, conditions)
        return {key: resolved(item, conditions) for key, item in value.items()}
    return value


def referenced(value: Any) -> Iterator[str]:
    """The logical ids that ``Ref`` and ``Fn::GetAtt`` inside a value name."""
    if isinstance(value, list):
        for item in value:
            yield from referenced(item)
    elif isinstance(value, dict):
        if "Ref" in value:
            yield value["Ref"]
        if "Fn::GetAtt" in value:
            yield value["Fn::GetAtt"][0]
        for item in value.values():
            yield from referenced(item)


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_six_functions_on_python_313_arm64_each_with_its_own_role(
    template: dict[str, Any],
) -> None:
    functions = resources(template, "AWS::Lambda::Function")
    assert set(functions) == set(FUNCTIONS.values())
    roles = set()
    for function in functions.values():
        props = function["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["MemorySize"] <= 256
        assert props["RuntimeManagementConfig"] == {"UpdateRuntimeOn": "FunctionUpdate"}
        roles.add(props["Role"]["Fn::GetAtt"][0])
    assert len(roles) == 6
    # No shared default role that every function would get.
    assert "IamRoleLambdaExecution" not in template["Resources"]
    handlers = {name: functions[logical]["Properties"]["Handler"]
                for name, logical in FUNCTIONS.items()}  # fmt: skip
    assert handlers == {
        "skill": "lambda_function.handler",
        "notifier": "notifier_function.handler",
        "overdue": "overdue_function.handler",
        "webhooks": "webhooks_function.handler",
        "mcp": "mcp_function.handler",
        "smsReply": "sms_reply_function.handler",
    }
    for handler in handlers.values():
        assert (ROOT / f"{handler.split('.')[0]}.py").is_file()


def test_alexa_invokes_the_snapstart_alias_of_this_skill_only(template: dict[str, Any]) -> None:
    skill = template["Resources"]["SkillLambdaFunction"]["Properties"]
    assert skill["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert skill["Environment"]["Variables"]["SKILL_ID"] == SKILL_ID
    [alias] = resources(template, "AWS::Lambda::Alias").items()
    assert alias[1]["Properties"]["FunctionName"] == {"Ref": "SkillLambdaFunction"}
    assert "Fn::GetAtt" in alias[1]["Properties"]["FunctionVersion"]
    alexa = [p["Properties"] for p in resources(template, "AWS::Lambda::Permission").values()
             if p["Properties"]["Principal"] == "alexa-appkit.amazon.com"]  # fmt: skip
    assert len(alexa) == 1
    assert alexa[0]["EventSourceToken"] == SKILL_ID
    target = alexa[0]["FunctionName"]["Fn::Join"][1]
    assert target[1] == alias[1]["Properties"]["Name"]  # the alias, not $LATEST
    assert template["Outputs"]["SkillEndpoint"]["Value"] == {"Ref": alias[0]}


def test_only_new_outbox_items_and_changed_orders_from_the_tables_stream_reach_the_notifier(
    template: dict[str, Any],
) -> None:
    [(name, mapping)] = resources(template, "AWS::Lambda::EventSourceMapping").items()
    # The id osls gave it: a stack deployed before keeps its mapping (Lambda refuses a
    # second one for the same function and stream).
    assert name == "NotifierEventSourceMappingDynamodbMainTable"
    props = mapping["Properties"]
    stream = resolved(props["EventSourceArn"], {"CreatesTable": True})
    assert stream == {"Fn::GetAtt": ["MainTable", "StreamArn"]}
    assert props["FunctionName"] == {"Fn::GetAtt": ["NotifierLambdaFunction", "Arn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["outbox"]}}}},
        # An order's new status is an Alexa notification (skill.usecases.alexa_notifications).
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["order"]}}}},
    ]
    topic = {"Ref": "TeamTopic"}
    notifier = template["Resources"]["NotifierLambdaFunction"]["Properties"]
    assert notifier["Environment"]["Variables"]["NOTIFY_TOPIC_ARN"] == topic


def test_records_the_notifier_gives_up_on_go_to_a_queue_only_it_may_send_to(
    template: dict[str, Any],
) -> None:
    [mapping] = resources(template, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["MaximumRetryAttempts"] == 5
    assert props["BisectBatchOnFunctionError"] is True
    [(name, queue)] = resources(template, "AWS::SQS::Queue").items()
    assert props["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": [name, "Arn"]}}
    }
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    senders = [(role, s) for role, s in statements(template)
               if any(a.startswith("sqs:") for a in listed(s["Action"]))]  # fmt: skip
    assert senders == [
        ("NotifierRole", {"Effect": "Allow", "Action": ["sqs:SendMessage"],
                          "Resource": [{"Fn::GetAtt": [name, "Arn"]}]}),
    ]  # fmt: skip
    assert template["Outputs"]["NotifierFailuresUrl"]["Value"] == {"Ref": name}


def test_the_notifier_updates_outbox_items_and_alexa_opt_ins_only(
    template: dict[str, Any],
) -> None:
    [update] = [s for role, s in statements(template)
                if role == "NotifierRole" and "dynamodb:UpdateItem" in listed(s["Action"])]  # fmt: skip
    assert listed(update["Action"]) == ["dynamodb:UpdateItem"]
    assert update["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["OUTBOX#*", "ALEXAUSER#*"]}
    }
    # An opt-in is deleted when Alexa says its permission was revoked; nothing else.
    [delete] = [s for role, s in statements(template)
                if role == "NotifierRole" and "dynamodb:DeleteItem" in listed(s["Action"])]  # fmt: skip
    assert delete["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ALEXAUSER#*"]}
    }


def test_the_overdue_sweep_runs_on_a_schedule(template: dict[str, Any]) -> None:
    [rule] = resources(template, "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"].startswith("rate(")
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["OverdueLambdaFunction", "Arn"]}


def test_no_wildcard_in_any_action_and_none_in_resources_but_for_logs(
    template: dict[str, Any],
) -> None:
    checked = 0
    for role, statement in statements(template):
        assert statement["Effect"] == "Allow", role
        actions = listed(statement["Action"])
        assert all("*" not in action for action in actions), (role, actions)
        logs_only = all(action.startswith("logs:") for action in actions)
        for text in strings(statement["Resource"]):
            if "*" in text:
                assert logs_only, (role, actions, text)
                # Log streams of the function's own log group, nothing wider.
                assert text.endswith(":*") and "log-group:/aws/lambda/" in text, text
        checked += 1
    assert checked >= 9


def granted(template: dict[str, Any], role: str) -> set[str]:
    return {action for name, s in statements(template) if name == role
            for action in listed(s["Action"])}  # fmt: skip


def test_each_role_has_only_its_functions_actions(template: dict[str, Any]) -> None:
    logs = {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert granted(template, "SkillRole") - logs == {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
        "dynamodb:DeleteItem", "dynamodb:Query",
    }  # fmt: skip
    assert granted(template, "NotifierRole") - logs == {
        "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
        "dynamodb:ListStreams", "dynamodb:GetItem", "dynamodb:UpdateItem", "sns:Publish",
        "sms-voice:SendTextMessage", "sqs:SendMessage",
        # The satisfaction question's message id, kept for the customer's reply.
        "dynamodb:PutItem",
        # Alexa notifications: opt-ins by customer, dropped on a 403; the LWA secret.
        "dynamodb:Query", "dynamodb:DeleteItem", "ssm:GetParameters",
    }  # fmt: skip
    assert granted(template, "OverdueRole") - logs == {
        "dynamodb:PutItem", "dynamodb:Query", "sns:Publish",
    }  # fmt: skip
    assert granted(template, "McpRole") - logs == granted(template, "SkillRole") - logs
    assert granted(template, "SmsReplyRole") - logs == {"dynamodb:GetItem", "dynamodb:UpdateItem"}
    assert granted(template, "WebhooksRole") - logs == {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem",
        "dynamodb:BatchWriteItem", "ssm:GetParameters",
    }  # fmt: skip


def test_the_self_hosted_console_gets_a_policy_for_the_tables_items_only(
    template: dict[str, Any],
) -> None:
    assert granted(template, "ConsolePolicy") == {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
        "dynamodb:DeleteItem", "dynamodb:Query",
    }  # fmt: skip
    assert template["Outputs"]["ConsolePolicyArn"]["Value"] == {"Ref": "ConsolePolicy"}


def test_sms_permission_exists_only_with_an_origination_identity(
    template: dict[str, Any],
) -> None:
    policies = template["Resources"]["NotifierRole"]["Properties"]["Policies"]
    conditional = [s["Fn::If"] for p in policies for s in p["PolicyDocument"]["Statement"]
                   if "Fn::If" in s]  # fmt: skip
    assert len(conditional) == 2
    (condition, text, no_text), (also, expect, no_expect) = conditional
    assert text["Action"] == ["sms-voice:SendTextMessage"]
    assert text["Resource"] == [{"Ref": "SmsOrigination"}]
    # The question's message id, kept for the reply: new items of that kind only.
    assert expect["Action"] == ["dynamodb:PutItem"]
    assert expect["Resource"] == [table_arn("menschmoment-test")]
    assert expect["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["SMSREPLY#*"]}
    }
    assert also == condition
    assert no_text == no_expect == {"Ref": "AWS::NoValue"}
    assert template["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "SmsOrigination"}, ""]}]
    }


def test_customers_texts_reach_the_reply_function_only_with_sms(
    template: dict[str, Any],
) -> None:
    """Two-way SMS publishes each text to the shop's number on a topic of its own, which
    the stack creates with SMS set up, and outputs for the number's TwoWayChannelArn."""
    inbound = {"InboundTexts", "InboundTextsPolicy", "InboundTextsSubscription",
               "SmsReplyInvokedByInboundTexts"}  # fmt: skip
    for name in inbound:
        assert template["Resources"][name]["Condition"] == "SendsSms", name
    [(name, _)] = [(n, t) for n, t in resources(template, "AWS::SNS::Topic").items()
                   if t.get("Condition") == "SendsSms"]  # fmt: skip
    assert name == "InboundTexts"
    # Only the SMS service of this account may publish to it.
    [statement] = template["Resources"]["InboundTextsPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert statement["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == {"Ref": "InboundTexts"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }
    subscription = template["Resources"]["InboundTextsSubscription"]["Properties"]
    assert subscription == {
        "TopicArn": {"Ref": "InboundTexts"},
        "Protocol": "lambda",
        "Endpoint": {"Fn::GetAtt": ["SmsReplyLambdaFunction", "Arn"]},
    }
    permission = template["Resources"]["SmsReplyInvokedByInboundTexts"]["Properties"]
    assert permission["Principal"] == "sns.amazonaws.com"
    assert permission["SourceArn"] == {"Ref": "InboundTexts"}
    assert permission["FunctionName"] == {"Fn::GetAtt": ["SmsReplyLambdaFunction", "Arn"]}
    output = template["Outputs"]["InboundTextsTopicArn"]
    assert (output["Condition"], output["Value"]) == ("SendsSms", {"Ref": "InboundTexts"})
    # Without SMS none of it exists, and nothing else names it.
    unconditional = {n: r for n, r in template["Resources"].items() if "Condition" not in r}
    assert not inbound & set(referenced(unconditional))


def test_the_reply_function_reads_questions_and_scores_callbacks_only(
    template: dict[str, Any],
) -> None:
    replies = {listed(s["Action"])[0]: s for role, s in statements(template)
               if role == "SmsReplyRole" and not listed(s["Action"])[0].startswith("logs:")}  # fmt: skip
    assert set(replies) == {"dynamodb:GetItem", "dynamodb:UpdateItem"}
    for action, prefix in (
        ("dynamodb:GetItem", "SMSREPLY#*"),
        ("dynamodb:UpdateItem", "CALLBACK#*"),
    ):
        assert listed(replies[action]["Action"]) == [action]
        assert replies[action]["Resource"] == [table_arn("menschmoment-test")]  # no index
        assert replies[action]["Condition"] == {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [prefix]}
        }


def test_every_table_has_pitr_sse_ttl_a_stream_and_the_local_key_schema(
    template: dict[str, Any],
) -> None:
    generated = resources(template, "AWS::DynamoDB::Table")
    assert set(generated) == set(tables.definitions())
    for name, table in generated.items():
        props = table["Properties"]
        local = tables.definitions()[name]["Properties"]
        # Customers' data outlives the stack: removing or replacing it keeps the table.
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
        # ... and a stage deployed again may use the kept one instead of creating it.
        assert table["Condition"] == "CreatesTable"
        assert props["KeySchema"] == local["KeySchema"]
        assert props["AttributeDefinitions"] == local["AttributeDefinitions"]
        assert props["GlobalSecondaryIndexes"] == local["GlobalSecondaryIndexes"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
        assert props["TimeToLiveSpecification"] == {
            "AttributeName": tables.TTL_ATTRIBUTE, "Enabled": True,
        }  # fmt: skip
        assert props["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert props["TableName"] == "menschmoment-test"
    assert template["Parameters"]["KeptTableStream"]["Default"] == ""
    assert template["Conditions"]["CreatesTable"] == {
        "Fn::Equals": [{"Ref": "KeptTableStream"}, ""]
    }


def table_arn(name: str, suffix: str = "") -> dict[str, str]:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}"
                       f":table/{name}{suffix}"}  # fmt: skip


def test_a_stage_deployed_again_uses_the_table_it_kept(
    kept_table_template: dict[str, Any],
) -> None:
    """`osls remove` keeps the table; deploying the stage again with its name and its
    stream's ARN creates no table and wires everything to the kept one."""
    template = kept_table_template
    assert template["Parameters"]["KeptTableStream"]["Default"] == KEPT_STREAM
    kept = {"CreatesTable": False, "SendsSms": True}
    deployed = {name: resolved(resource, kept) for name, resource in template["Resources"].items()
                if resource.get("Condition") != "CreatesTable"}  # fmt: skip
    assert "MainTable" not in deployed
    # Nothing refers to a table the stack does not create.
    assert "MainTable" not in set(referenced(deployed))
    mapping = deployed["NotifierEventSourceMappingDynamodbMainTable"]["Properties"]
    assert mapping["EventSourceArn"] == {"Ref": "KeptTableStream"}
    stream_readers = [s["Resource"] for role, s in statements(kept_table_template)
                      if "dynamodb:GetRecords" in listed(s["Action"])]  # fmt: skip
    assert [resolved(r, kept) for r in stream_readers] == [[{"Ref": "KeptTableStream"}]]
    for name in FUNCTIONS.values():
        variables = deployed[name]["Properties"]["Environment"]["Variables"]
        assert variables["TABLE_NAME"] == KEPT_TABLE
    table_resources = [r for _, s in statements(template) for r in listed(s["Resource"])
                       if "dynamodb:" in "".join(strings(r))]  # fmt: skip
    assert table_resources
    allowed = [table_arn(KEPT_TABLE), table_arn(KEPT_TABLE, "/index/GSI1"),
               table_arn(KEPT_TABLE, "/index/GSI2")]  # fmt: skip
    assert all(r in allowed for r in table_resources), table_resources


def test_logs_are_kept_for_a_limited_time(template: dict[str, Any]) -> None:
    groups = resources(template, "AWS::Logs::LogGroup")
    assert len(groups) == 6
    assert all(0 < g["Properties"]["RetentionInDays"] <= 90 for g in groups.values())


def test_the_team_topic_is_encrypted(template: dict[str, Any]) -> None:
    topic = resources(template, "AWS::SNS::Topic")["TeamTopic"]
    assert topic["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"
    assert topic["Properties"]["TopicName"] == "menschmoment-team-test"


def test_the_webhooks_answer_on_a_function_url_that_the_stack_outputs(
    template: dict[str, Any],
) -> None:
    url = resources(template, "AWS::Lambda::Url")["WebhooksLambdaFunctionUrl"]
    # No IAM auth: Shopify cannot sign AWS requests; every route checks its HMAC instead.
    assert url["Properties"] == {
        "AuthType": "NONE",
        "TargetFunctionArn": {"Fn::GetAtt": ["WebhooksLambdaFunction", "Arn"]},
    }
    output = template["Outputs"]["WebhooksLambdaFunctionUrl"]["Value"]
    assert output == {"Fn::GetAtt": ["WebhooksLambdaFunctionUrl", "FunctionUrl"]}


def test_the_mcp_function_answers_on_a_function_url_that_the_stack_outputs(
    template: dict[str, Any],
) -> None:
    url = resources(template, "AWS::Lambda::Url")["McpLambdaFunctionUrl"]
    # No IAM auth: assistants send OAuth bearer tokens, which the function checks.
    assert url["Properties"] == {
        "AuthType": "NONE",
        "TargetFunctionArn": {"Fn::GetAtt": ["McpLambdaFunction", "Arn"]},
    }
    output = template["Outputs"]["McpLambdaFunctionUrl"]["Value"]
    assert output == {"Fn::GetAtt": ["McpLambdaFunctionUrl", "FunctionUrl"]}
    variables = template["Resources"]["McpLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert {"MCP_RESOURCE_URL", "MCP_AUTHORIZATION_SERVER", "MCP_JWKS_URL"} <= set(variables)


def test_the_webhooks_get_their_secrets_by_name_and_write_only_orders_and_receipts(
    template: dict[str, Any],
) -> None:
    variables = template["Resources"]["WebhooksLambdaFunction"]["Properties"]["Environment"][
        "Variables"
    ]
    # The parameters' names, never the secrets themselves.
    assert {name: value for name, value in variables.items() if "WEBHOOK" in name} == {
        "SHOPIFY_WEBHOOK_SECRET_PARAMETER": "/menschmoment/test/shopify-webhook-secret",
        "ORDERS_WEBHOOK_SECRET_PARAMETER": "/menschmoment/test/orders-webhook-secret",
    }
    [statement] = [s for name, s in statements(template)
                   if name == "WebhooksRole" and "dynamodb:PutItem" in listed(s["Action"])]  # fmt: skip
    assert statement["Resource"] == [table_arn("menschmoment-test")]  # no index
    assert statement["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ORDER#*", "CUSTOMER#*", "WEBHOOK#*"]}
    }
    [ssm] = [s for name, s in statements(template)
             if name == "WebhooksRole" and listed(s["Action"]) == ["ssm:GetParameters"]]  # fmt: skip
    parameters = [r["Fn::Sub"] for r in ssm["Resource"]]
    assert [p.rsplit(":parameter", 1)[1] for p in parameters] == [
        "/menschmoment/test/shopify-webhook-secret",
        "/menschmoment/test/orders-webhook-secret",
    ]


@pytest.mark.parametrize("variant", ["template", "kept_table_template"])
def test_cfn_lint_finds_nothing_in_a_new_or_a_redeployed_stage(
    variant: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """As `make lint-template` runs it, with its settings (.cfnlintrc.yaml)."""
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    if not cfn_lint.exists():
        pytest.fail("cfn-lint is not installed: run `make setup` first")
    ignored = yaml.safe_load((ROOT / ".cfnlintrc.yaml").read_text())["ignore_checks"]
    path = tmp_path / "template.json"
    path.write_text(json.dumps(request.getfixturevalue(variant)))
    result = subprocess.run(
        [str(cfn_lint), "--ignore-checks", *ignored, "--", str(path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
