"""Handlers whose code is imported when a request first reaches them.

A Lambda that starts without SnapStart imports the skill on the customer's time: the
launch should not wait for the complaint, privacy and feedback code it never runs
(their modules and the remedy policy's are about a quarter of the skill's import), nor
for the code that books, moves and cancels callbacks.
The dispatcher asks handlers in order and stops at the first that says yes, so a
deferred handler listed after the launch is never asked, and never imported, by one.
With SnapStart, :func:`skill.app.build_skill` resolves every handler before the
snapshot, so no turn pays for an import there.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.handlers.turn import ServiceHandler, Services


class Deferred(AbstractRequestHandler):  # type: ignore[misc]
    """Stands in for ``module:Class`` (a :class:`ServiceHandler`) until it is needed."""

    def __init__(self, path: str, services: Services) -> None:
        self.path = path
        self._services = services
        self._handler: ServiceHandler | None = None

    def resolve(self) -> ServiceHandler:
        """The real handler, imported and made on the first call."""
        if self._handler is None:
            module_name, _, class_name = self.path.partition(":")
            handler_class: type[ServiceHandler] = getattr(
                importlib.import_module(module_name), class_name
            )
            # Two threads of a server built lazily may both get here: the import is
            # locked and handlers hold no state, so the second only builds a twin.
            self._handler = handler_class(self._services)
        return self._handler

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(self.resolve().can_handle(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.resolve().handle(handler_input)

    def __repr__(self) -> str:
        return f"Deferred({self.path!r})"
