"""The embedded DynamoDB in a process of its own: ``python -m bench.stand_in``.

It prints its endpoint on the first line and answers until its standard input closes.
The load test runs it apart from its customers' threads, which would otherwise share
one interpreter lock with it and measure each other.
"""

from __future__ import annotations

import sys

from skill.devtools.demo.dynamodb import EmbeddedDynamoDB


def main() -> None:
    with EmbeddedDynamoDB() as endpoint:
        print(endpoint, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
