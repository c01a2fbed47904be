"""The DynamoDB client, configured for a voice turn's time budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.config import Config

from skill.config import Settings
from skill.storage.answer_json import ITEM_OPERATIONS, read_answers_as_json
from skill.storage.batch_json import send_transactions_as_json
from skill.storage.deadline import refuse_late_attempts
from skill.storage.errors import WRITE_OPERATIONS, count_unanswered_writes
from skill.storage.session import storage_session

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def client_config(settings: Settings) -> Config:
    # Standard retry mode backs off and respects throttling; few attempts and short
    # timeouts keep a whole turn, retries included, well inside Alexa's ~8 seconds.
    # ``total_max_attempts`` counts the first try too (``max_attempts`` would not).
    # botocore does not check requests against the API model: that walk was about a
    # fifth of a writing turn's own time. Every request comes from a store, its values
    # from the typed codec (mypy checks the calls against the client's stubs); DynamoDB
    # checks each request all the same, and its ValidationException is a StorageError,
    # as botocore's ParamValidationError was.
    return Config(
        retries={"mode": "standard", "total_max_attempts": settings.dynamodb_max_attempts},
        connect_timeout=settings.dynamodb_connect_timeout,
        read_timeout=settings.dynamodb_read_timeout,
        tcp_keepalive=True,
        parameter_validation=False,
    )


# Local DynamoDB-compatible servers accept any credentials, but boto3 insists on some.
LOCAL_KEY = "local"


def dynamodb_client(settings: Settings, *, local: bool = False) -> DynamoDBClient:
    """A client for the configured table; ``local`` adds placeholder credentials.

    Within an Alexa turn its attempts keep to the turn's deadline (:mod:`.deadline`);
    its answers are read as plain JSON (:mod:`.answer_json`), and its transactions are
    sent as plain JSON (:mod:`.batch_json`).
    """
    client: DynamoDBClient = _client("dynamodb", settings, local)
    attempt = settings.dynamodb_connect_timeout + settings.dynamodb_read_timeout
    client.meta.events.register("before-send.dynamodb", refuse_late_attempts(attempt))
    for operation in WRITE_OPERATIONS:
        client.meta.events.register(
            f"response-received.dynamodb.{operation}", count_unanswered_writes
        )
    read_answers_as_json(client.meta.events, ITEM_OPERATIONS, unique_id="answer-json")
    send_transactions_as_json(client)
    return client


def admin_client(settings: Settings, *, local: bool = False, bulk: bool = False) -> DynamoDBClient:
    """A client for setting tables up: generous timeouts, no turn deadline.

    Creating a table is an operator's step, not a voice turn; on a busy machine or a real
    region it may take seconds, and a retry after a short timeout would only find the
    table its first attempt made.

    ``bulk`` (an import's batches, sent side by side): botocore does not check the
    request against the API model, which took half an import's CPU; the items come
    from our own serializer, and DynamoDB checks them all the same; the import also
    has its batch calls' JSON written and read as it is (:mod:`skill.storage.batch_json`).
    """
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 5},
        connect_timeout=10,
        read_timeout=60,
        parameter_validation=not bulk,
        max_pool_connections=16 if bulk else 10,
    )
    client: DynamoDBClient = storage_session().client(
        "dynamodb",
        region_name=settings.region or "us-east-1",
        endpoint_url=settings.dynamodb_endpoint,
        config=config,
        aws_access_key_id=LOCAL_KEY if local else None,
        aws_secret_access_key=LOCAL_KEY if local else None,
    )
    return client


def dynamodb_streams_client(settings: Settings, *, local: bool = False) -> Any:
    """The table's change stream (the local notifier reads it; in AWS, Lambda does)."""
    return _client("dynamodbstreams", settings, local)


def _client(service: str, settings: Settings, local: bool) -> Any:
    return storage_session().client(
        service,  # type: ignore[call-overload]
        # A local endpoint ignores the region, but botocore requires one.
        region_name=settings.region or "us-east-1",
        endpoint_url=settings.dynamodb_endpoint,
        config=client_config(settings),
        aws_access_key_id=LOCAL_KEY if local else None,
        aws_secret_access_key=LOCAL_KEY if local else None,
    )
