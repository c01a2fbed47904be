"""``make bench``: the figures of docs/benchmarks.md, measured on this machine."""
