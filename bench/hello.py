"""The baseline: a bare ask-sdk-core + boto3 hello-world skill, as the samples write one.

It does what every skill's launch does at least once, one DynamoDB read, so the cold
start compares importing and answering, not one skill talking to the table and the
other not. Configured like the real one from the environment (table, endpoint).
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

client = boto3.client(
    "dynamodb",
    region_name=os.environ.get("AWS_REGION", "us-east-1"),
    endpoint_url=os.environ.get("DYNAMODB_ENDPOINT"),
)
TABLE = os.environ.get("TABLE_NAME", "hello")


class LaunchHandler(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        client.get_item(TableName=TABLE, Key={"PK": {"S": "HELLO"}, "SK": {"S": "HELLO"}})
        builder = handler_input.response_builder
        response: Response = builder.speak("Hello world!").set_should_end_session(True).response
        return response


builder = SkillBuilder()
builder.add_request_handler(LaunchHandler())
handler: Any = builder.lambda_handler()
