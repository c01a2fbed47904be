"""One buffered HTTP request handed to an ASGI app on a loop of its own.

The SDK's Streamable HTTP transport is an ASGI app; the web service is Flask (WSGI)
and the Lambda function URL hands over one event. In stateless mode with JSON
responses every MCP exchange is one POST answered by one JSON body, so neither side
needs streaming: the request is read whole, the app runs on a background event loop
that lives as long as the process (the transport's task group with it), and the answer
is collected whole. GET, the optional server-to-client event stream, is answered 405
as the specification allows for a server that offers none.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from skill.adapters.identity import IdentityUnavailable

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
AsgiApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]
Lifespan = Callable[[], AbstractAsyncContextManager[Any]]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]

# An MCP request is a JSON-RPC message of a few kilobytes.
MAX_BODY_BYTES = 256 * 1024
# Longer than any tool's storage round trips; a request past this is stuck.
ANSWER_TIMEOUT = 25.0


@dataclass
class Answer:
    status: int = 500
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    client: tuple[str, int] | None = None
    scheme: str = "http"
    server: tuple[str, int] | None = None


async def _unbuilt(scope: Scope, receive: Any, send: Any) -> None:
    raise RuntimeError("the app is built by the first request")


def _unbuilt_lifespan() -> AbstractAsyncContextManager[Any]:
    raise RuntimeError("the app is built by the first request")


def _refused(status: HTTPStatus, allow: str | None = None) -> Answer:
    headers = [("content-type", "text/plain; charset=utf-8")]
    if allow:
        headers.append(("allow", allow))
    return Answer(status.value, headers, f"{status.value} {status.phrase}\n".encode())


class AsgiRunner:
    """Runs ``app`` on a daemon thread's event loop; ``lifespan`` is entered there once.

    Started by the first request of each process: gunicorn builds the app before it
    forks its workers, and a thread does not survive a fork.
    """

    def __init__(self, app: AsgiApp, lifespan: Lifespan) -> None:
        self._app = app
        self._lifespan = lifespan
        self._build: Callable[[], tuple[AsgiApp, Lifespan]] | None = None
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def later(cls, build: Callable[[], tuple[AsgiApp, Lifespan]]) -> AsgiRunner:
        """A runner whose app is built by its first request: the demo starts without
        importing the SDK, which costs a second or more of a start."""
        runner = cls(_unbuilt, _unbuilt_lifespan)
        runner._build = build
        return runner

    def start(self) -> None:
        """Start the loop in this process, unless it runs already."""
        with self._lock:
            if self._pid == os.getpid():
                return
            if self._build is not None:
                self._app, self._lifespan = self._build()
                self._build = None
            self._loop = asyncio.new_event_loop()
            ready = threading.Event()
            failure: list[BaseException] = []
            self._thread = threading.Thread(
                target=self._run, args=(ready, failure), name="mcp-loop", daemon=True
            )
            self._thread.start()
            ready.wait(timeout=10)
            if failure or not ready.is_set():
                raise RuntimeError("the MCP transport did not start") from (
                    failure[0] if failure else None
                )
            self._pid = os.getpid()

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve(ready, failure))

    async def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        self._stop = asyncio.Event()
        try:
            async with self._lifespan():
                ready.set()
                await self._stop.wait()
        except BaseException as error:  # reported to the thread that started it
            failure.append(error)
            ready.set()

    def close(self) -> None:
        if self._stop is not None and self._pid == os.getpid():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._pid = None

    def handle(self, request: Request, stream_paths: tuple[str, ...] = ("/mcp",)) -> Answer:
        """Answer ``request``; a GET of one of ``stream_paths`` asks for the event stream."""
        if request.method == "GET" and request.path in stream_paths:
            return _refused(HTTPStatus.METHOD_NOT_ALLOWED, allow="POST, DELETE")
        if len(request.body) > MAX_BODY_BYTES:
            return _refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.start()
        future = asyncio.run_coroutine_threadsafe(self._call(request), self._loop)
        try:
            return future.result(timeout=ANSWER_TIMEOUT)
        except TimeoutError:
            future.cancel()
            return _refused(HTTPStatus.GATEWAY_TIMEOUT)

    async def _call(self, request: Request) -> Answer:
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.scheme,
            "path": request.path,
            "raw_path": request.path.encode("latin-1"),
            "root_path": "",
            "query_string": request.query.encode("latin-1"),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers
            ],
            "client": request.client,
            "server": request.server,
        }
        sent = False
        answer = Answer()
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if sent:
                # The body was given whole; afterwards the client is "gone" only when
                # the answer is complete, which the app never waits for here.
                await asyncio.Event().wait()
            sent = True
            return {"type": "http.request", "body": request.body, "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.status = int(message["status"])
                answer.headers = [
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                    for k, v in message.get("headers", [])
                ]
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        try:
            await self._app(scope, receive, send)
        except IdentityUnavailable as error:
            # The token may be good: the shop's identity source did not answer.
            log.warning("identity source unavailable: %s", error)
            unavailable = _refused(HTTPStatus.SERVICE_UNAVAILABLE)
            unavailable.headers.append(("retry-after", "5"))
            return unavailable
        answer.body = b"".join(chunks)
        return answer


class WsgiDispatcher:
    """The web service's WSGI app, with the paths in ``prefixes`` handed to ``runner``."""

    def __init__(
        self,
        wsgi: Callable[[dict[str, Any], Any], Iterable[bytes]],
        runner: AsgiRunner,
        prefixes: tuple[str, ...],
    ) -> None:
        self._wsgi = wsgi
        self._runner = runner
        self._prefixes = prefixes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if not any(path == p or path.startswith(p + "/") for p in self._prefixes):
            return self._wsgi(environ, start_response)
        answer = self._runner.handle(_from_wsgi(environ, path))
        reason = HTTPStatus(answer.status).phrase if answer.status in HTTPStatus else ""
        headers = [(k, v) for k, v in answer.headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(answer.body))))
        start_response(f"{answer.status} {reason}", headers)
        return [answer.body]


def _from_wsgi(environ: dict[str, Any], path: str) -> Request:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # One byte more than allowed is enough to know it is too much.
    body = environ["wsgi.input"].read(min(length, MAX_BODY_BYTES + 1)) if length > 0 else b""
    headers = [
        (name[5:].replace("_", "-").lower(), value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    ]
    if environ.get("CONTENT_TYPE"):
        headers.append(("content-type", environ["CONTENT_TYPE"]))
    headers.append(("content-length", str(len(body))))
    remote = environ.get("REMOTE_ADDR")
    port = int(environ.get("SERVER_PORT") or 80)
    return Request(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=path,
        query=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
        client=(remote, int(environ.get("REMOTE_PORT") or 0)) if remote else None,
        scheme=environ.get("wsgi.url_scheme", "http"),
        server=(environ.get("SERVER_NAME", "localhost"), port),
    )


def from_function_url(event: dict[str, Any]) -> Request:
    """A Lambda function URL event (payload format 2.0) as a request."""
    http = event.get("requestContext", {}).get("http", {})
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode("utf-8")
    headers = [(k.lower(), v) for k, v in (event.get("headers") or {}).items()]
    host = next((v for k, v in headers if k == "host"), "localhost")
    return Request(
        method=http.get("method", "GET"),
        path=unquote(event.get("rawPath") or "/"),
        query=event.get("rawQueryString") or "",
        headers=headers,
        body=body,
        client=(http["sourceIp"], 0) if http.get("sourceIp") else None,
        scheme="https",
        server=(host, 443),
    )


def to_function_url(answer: Answer) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for name, value in answer.headers:
        # Function URLs take one value per header; the transport repeats none of its own.
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return {
        "statusCode": answer.status,
        "headers": headers,
        "body": answer.body.decode("utf-8", errors="replace"),
        "isBase64Encoded": False,
    }
