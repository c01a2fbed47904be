"""The team's SNS topic on the local moto server, delivering into an SQS queue the tests
read, as an agent's subscription would receive the notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from skill.config import Settings


@dataclass(frozen=True)
class TeamInbox:
    sns: Any
    topic: str
    sqs: Any
    queue: str

    def received(self) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.queue, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        return messages


def team_inbox(endpoint: str, name: str) -> TeamInbox:
    """A topic and queue of their own: the tests of one process share the server, and a
    queue of another test's would hold its messages."""
    options = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }
    sns = boto3.client("sns", **options)
    sqs = boto3.client("sqs", **options)
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=f"{name}-inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return TeamInbox(sns, topic, sqs, queue)


def entry_environment(settings: Settings, topic: str) -> dict[str, str]:
    """A Lambda entry's environment: the test's table, publishing to ``topic``."""
    return {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL": str(settings.dynamodb_endpoint),
        "DYNAMODB_ENDPOINT": str(settings.dynamodb_endpoint),
        "TABLE_NAME": settings.table_name,
        "NOTIFY_TOPIC_ARN": topic,
        "LOG_LEVEL": "WARNING",
    }
