"""Alexa's Reminders API: a customer's reminder of their call back.

A thin client of our own, like :mod:`skill.adapters.proactive_events`, with the same
timeout and the same answers to what goes wrong. Amazon lets a skill *create* a
reminder only in a session, with the request's ``context.System.apiAccessToken``; it
changes and deletes one later with the skill's own token from LWA (scope
``alexa::alerts:reminders:skill:readwrite``), which the notifier holds::

    POST   {apiEndpoint}/v1/alerts/reminders                in session: the alert token
    PUT    {apiEndpoint}/v1/alerts/reminders/{alertToken}   out of session: moved
    DELETE {apiEndpoint}/v1/alerts/reminders/{alertToken}   out of session: cancelled, done

A token only ever goes to Amazon's three hosts (or the endpoints the configuration
names for local tests): :func:`skill.adapters.proactive_events.checked_endpoint`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from skill.adapters.proactive_events import (
    AlexaApiError,
    AlexaSkillApi,
    JsonSender,
    PermissionRevoked,
    _requests_send,
    checked_endpoint,
)

PATH = "/v1/alerts/reminders"


def _one(alert_token: str) -> str:
    return f"{PATH}/{quote(alert_token, safe='')}"


class SessionReminders:
    """Creates a reminder in a session, with the request's own API access token."""

    def __init__(
        self,
        *,
        timeout: float,
        extra_endpoints: Iterable[str] = (),
        send: JsonSender = _requests_send,
    ) -> None:
        self._timeout = timeout
        self._extra = tuple(extra_endpoints)
        self._send = send

    def create(self, endpoint: str, api_access_token: str, body: dict[str, Any]) -> str:
        """The new reminder's alert token; AlexaApiError (PermissionRevoked: 401/403)."""
        url = checked_endpoint(endpoint, self._extra) + PATH
        try:
            answer = self._send(
                "POST",
                url,
                headers={"Authorization": f"Bearer {api_access_token}"},
                json=body,
                timeout=self._timeout,
            )
        except Exception as error:
            raise AlexaApiError(f"no answer from Alexa ({type(error).__name__})") from error
        status = int(answer.status_code)
        if status in (401, 403):
            # In a session a refusal means the customer has not granted reminders.
            raise PermissionRevoked("Alexa refused: reminders not granted", status)
        if not 200 <= status < 300:
            raise AlexaApiError(f"Alexa answered {status}", status)
        try:
            return str(answer.json()["alertToken"])
        except (ValueError, KeyError, TypeError) as error:
            raise AlexaApiError("Alexa's answer holds no alert token", status) from error


class SkillReminders:
    """Changes and deletes reminders out of session, with the skill's LWA token."""

    def __init__(self, api: AlexaSkillApi) -> None:
        self._api = api

    def update(self, endpoint: str, alert_token: str, body: dict[str, Any]) -> None:
        self._api.call("PUT", endpoint, _one(alert_token), body)

    def delete(self, endpoint: str, alert_token: str) -> None:
        try:
            self._api.call("DELETE", endpoint, _one(alert_token))
        except AlexaApiError as error:
            if error.status != 404:  # gone already (rung, or the customer deleted it)
                raise


class LogReminders:
    """Local stand-in for both: one ``[alexa reminder …]`` line per call that would go out.

    The line shows when it rings, in which zone and what it says; never the Alexa user.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []

    def create(self, endpoint: str, api_access_token: str, body: dict[str, Any]) -> str:
        alert_token = f"demo-reminder-{len(self.calls) + 1}"
        self._print("created", alert_token, body)
        return alert_token

    def update(self, endpoint: str, alert_token: str, body: dict[str, Any]) -> None:
        self._print("updated", alert_token, body)

    def delete(self, endpoint: str, alert_token: str) -> None:
        self._print("deleted", alert_token, None)

    def _print(self, what: str, alert_token: str, body: dict[str, Any] | None) -> None:
        self.calls.append((what, alert_token, body))
        if body is None:
            print(f"[alexa reminder {what} {alert_token}]", flush=True)
            return
        trigger = body["trigger"]
        for content in body["alertInfo"]["spokenInfo"]["content"]:
            print(
                f"[alexa reminder {what} {alert_token} {content['locale']}] "
                f"{trigger['scheduledTime']} {trigger['timeZoneId']}: {content['text']}",
                flush=True,
            )
