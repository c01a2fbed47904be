"""One Lambda process, measured from the inside: ``python -m bench.lambda_probe MODULE STEPS``.

Run in a fresh interpreter by :mod:`bench.lambda_process`. It imports ``MODULE`` (the
Lambda entry: ``lambda_function`` or the baseline ``bench.hello``) and calls its
``handler`` with each event of the JSON file ``STEPS``, as Lambda would: the first call
answers in the same process right after the import, a cold start; the rest are warm.
It counts the DynamoDB requests each call sends (botocore's ``before-send``, retries
included) and prints one JSON object: per step the time, the requests by operation and
the first words spoken, and the process's peak resident memory.

Each step's own time is its time outside storage and Alexa's APIs: the wall time spent
in botocore's send of each request (the wire and the table's answer, not botocore's
serializing and parsing around it) and in the API client's calls is subtracted, so the
figure does not depend on the stand-in's speed. The process's CPU time per step is
reported too (the stand-in runs in another process).

Nothing from the skill or the tests is imported here before ``MODULE``: what the
process holds is what the Lambda would hold.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import importlib  # noqa: E402 (after the clock starts: imports are part of a cold start)
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

import botocore.endpoint  # noqa: E402
import botocore.handlers  # noqa: E402

# Wall seconds spent waiting on storage and on Alexa's APIs in the current step.
WAITED = [0.0]


def _timed(method: Any) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            WAITED[0] += time.perf_counter() - began

    return timed


def time_waits_on_alexa_api() -> None:
    """The API client is the skill's: timed once the module imported it."""
    alexa_api = sys.modules.get("skill.adapters.alexa_api")
    if alexa_api is not None:
        client = alexa_api.TimedApiClient
        client.invoke = _timed(client.invoke)


def main() -> None:
    module_name, steps_file = sys.argv[1], sys.argv[2]
    with open(steps_file, encoding="utf-8") as source:
        steps: list[dict[str, Any]] = json.load(source)
    sent: list[str] = []

    def count(**kwargs: Any) -> None:
        sent.append(kwargs["event_name"].rsplit(".", 1)[-1])

    # Every botocore session starts with botocore's built-in hooks, and clients copy
    # their session's when they are made: added before the import, the count sees the
    # requests of any client, whichever session made it.
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send.dynamodb", count))
    endpoint: Any = botocore.endpoint.Endpoint
    endpoint._send = _timed(endpoint._send)

    module = importlib.import_module(module_name)
    patience = os.environ.get("PROBE_TURN_BUDGET")
    if patience:
        allow_slow_turns(module, float(patience))
    time_waits_on_alexa_api()
    results = []
    attributes: dict[str, Any] = {}
    started = START
    for number, step in enumerate(steps):
        event = step["event"]
        event["request"]["requestId"] = f"amzn1.echo-api.request.bench-{number}"
        if step.get("continue"):
            event["session"]["attributes"] = attributes
            event["session"]["new"] = False
        sent.clear()
        WAITED[0] = 0.0
        cpu = time.process_time()
        answer = module.handler(event, None)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        attributes = answer.get("sessionAttributes") or {}
        ssml = answer["response"].get("outputSpeech", {}).get("ssml", "")
        results.append(
            {
                "label": step["label"],
                "seconds": elapsed,
                "own_seconds": elapsed - WAITED[0],
                "cpu_seconds": cpu,
                "sent": list(sent),
                "speech": ssml[:160],
            }
        )
        started = time.perf_counter()
    print(json.dumps({"steps": results, "peak_rss_bytes": peak_rss_bytes()}))


def allow_slow_turns(module: Any, budget: float) -> None:
    """Give each turn's DynamoDB calls ``budget`` seconds instead of the configured few.

    For :mod:`bench.instructions` only: under callgrind Python runs some fifty times
    slower, so a launch would use up its storage deadline before its reads and answer
    with an apology. The count stays that of the launch as it is: only the number the
    deadline is computed from changes, after the import.
    """
    skill = getattr(module, "skill", None)
    if skill is None:  # the baseline has no deadline
        return
    for interceptor in skill.request_dispatcher.request_interceptors:
        if hasattr(interceptor, "budget"):
            interceptor.budget = budget


def peak_rss_bytes() -> int:
    """The process's resident-memory high-water mark.

    ``getrusage``'s ``ru_maxrss`` survives ``execve`` on Linux: a child started from a
    big parent (the bench, with its embedded DynamoDB) reports the parent's size at the
    fork. ``VmHWM`` in /proc belongs to this program's own address space; getrusage is
    the fallback where /proc is missing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


if __name__ == "__main__":
    main()
