"""The botocore session our DynamoDB clients are made from: one that knows its services.

Before botocore loads a service's model, and again before its endpoint rules, its data
loader checks the name against a list of every service it has data for. To make that
list it walks its whole data tree, some 400 service folders (a ``listdir`` and an
``isdir`` or two for each), in every process: on a cold start that was about 45 M
instructions and tens of milliseconds of file-system calls, nearly a fifth of what
the skill's cold start cost beyond a bare skill's. A session that only ever makes
DynamoDB clients looks only in those services' folders.

Everything else is botocore's and boto3's own: the data files read, the search path
(``AWS_DATA_PATH`` included), endpoints, credentials, boto3's customisations and the
hooks that stubs register for every new session. Other clients (SNS, SSM, SMS) come
from boto3's default session as before.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

import boto3
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader, instance_cache
from botocore.session import Session as BotocoreSession

# What skill.storage.client makes clients for.
SERVICES = ("dynamodb", "dynamodbstreams")


class ServicesLoader(Loader):
    """botocore's data loader, for a session that makes clients of ``services`` alone."""

    def __init__(self, services: Sequence[str], extra_search_paths: list[str] | None) -> None:
        super().__init__(extra_search_paths=extra_search_paths)
        self.services = tuple(services)

    @instance_cache
    def list_available_services(self, type_name: str) -> list[str]:
        # botocore's walks the whole data tree; here only the folders of our services,
        # with botocore's own test of a version folder holding a ``type_name`` file.
        found = []
        for name in self.services:
            try:
                self.list_api_versions(name, type_name)
            except DataNotFoundError:
                continue
            found.append(name)
        return sorted(found)


def services_loader(data_path: str | None, services: Sequence[str] = SERVICES) -> ServicesLoader:
    """The loader botocore's ``create_loader`` would make, with the same search path."""
    paths = None
    if data_path is not None:
        paths = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)]
    return ServicesLoader(services, paths)


@cache
def storage_session() -> boto3.session.Session:
    """One session per process, as boto3's default one is: clients share its
    credentials and its loaded models."""
    core = BotocoreSession()
    core.register_component("data_loader", services_loader(core.get_config_variable("data_path")))
    return boto3.session.Session(botocore_session=core)
