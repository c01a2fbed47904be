"""Business rules: pure functions over the records in :mod:`skill.records`.

Nothing in this package performs I/O or reads the clock; callers pass ``today``/``now``.
"""
