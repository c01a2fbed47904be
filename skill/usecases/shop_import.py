"""``python -m skill import FILE``: a shop's customers and orders into the table.

The file is JSON Lines (one record a line, each with its ``type``) or, named ``*.csv``,
CSV with the contract's field names as columns (a ``type`` column, or customers or
orders alone). Every record is checked before anything is written; a file with a bad
record writes nothing unless ``--skip-invalid``. Customers go first, so their orders
find the postal code a guest verifies with.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from skill.rules.shop_records import CustomerRecord, OrderRecord, RecordError, parse_record
from skill.storage.errors import StorageError
from skill.storage.shop import UpsertCounts

if TYPE_CHECKING:
    from skill.config import Settings
    from skill.storage.shop import ShopStore

# Records between two redraws of the progress line.
CHUNK = 2000


@dataclass(frozen=True)
class LineError:
    """A record the contract refuses: where, which field, and why."""

    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class Checked:
    """A file's records, checked: the good ones by kind, and every error."""

    customers: list[CustomerRecord] = field(default_factory=list)
    orders: list[OrderRecord] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    customers: int
    orders: int
    errors: tuple[LineError, ...]
    counts: UpsertCounts
    seconds: float
    written: bool  # False for a dry run or a file whose errors stopped the import


Progress = Callable[[int, int], None]


def rows(path: Path) -> Iterator[tuple[int, Mapping[str, object] | LineError]]:
    """Each record of the file with its line number, or the error that stops reading it."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        if path.suffix.lower() == ".csv":
            yield from _csv_rows(stream)
        else:
            yield from _json_lines(stream)


def _json_lines(stream: TextIO) -> Iterator[tuple[int, Mapping[str, object] | LineError]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, LineError(number, None, f"not JSON ({error.msg})")
            continue
        if not isinstance(value, dict):
            yield number, LineError(number, None, "not a JSON object")
            continue
        yield number, value


def _csv_rows(stream: TextIO) -> Iterator[tuple[int, Mapping[str, object] | LineError]]:
    reader = csv.DictReader(stream)
    columns = set(reader.fieldnames or ())
    # Without a type column, the columns say which kind the file holds.
    kind = None if "type" in columns else "order" if "number" in columns else "customer"
    start = reader.line_num + 1
    for row in reader:
        values: dict[str, object] = {k: v for k, v in row.items() if k is not None}
        if None in row:
            yield start, LineError(start, None, "more cells than columns")
        else:
            if kind is not None:
                values["type"] = kind
            yield start, values
        start = reader.line_num + 1


def check(path: Path) -> Checked:
    """Every record of the file, parsed; errors collected, not raised."""
    checked = Checked()
    for number, values in rows(path):
        if isinstance(values, LineError):
            checked.errors.append(values)
            continue
        try:
            record = parse_record(values)
        except RecordError as error:
            checked.errors.append(LineError(number, error.field, error.message))
            continue
        if isinstance(record, CustomerRecord):
            checked.customers.append(record)
        else:
            checked.orders.append(record)
    return checked


def import_records(
    checked: Checked,
    store: ShopStore,
    progress: Progress | None = None,
) -> UpsertCounts:
    """Customers first, then orders; an order without its own postal code takes its
    customer's from the file (else the store reads the stored profile)."""
    records: Sequence[CustomerRecord | OrderRecord] = [*checked.customers, *checked.orders]
    total = len(records)
    shown = 0

    def report(done: int) -> None:
        nonlocal shown
        if progress is not None and (done - shown >= CHUNK or done == total):
            shown = done
            progress(done, total)

    # One upsert of all the records, so two of one key are never written side by side.
    return store.upsert(records, report, may_be_first_load=True)


def run_import(
    path: Path,
    store: ShopStore | None,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    timer: Callable[[], float] = time.perf_counter,
) -> ImportReport:
    """Check the file, then (with a store, and no errors or ``skip_invalid``) import it."""
    started = timer()
    checked = check(path)
    write = store is not None and (skip_invalid or not checked.errors)
    counts = (
        import_records(checked, store, progress) if write and store is not None else UpsertCounts()
    )
    return ImportReport(
        customers=len(checked.customers),
        orders=len(checked.orders),
        errors=tuple(checked.errors),
        counts=counts,
        seconds=timer() - started,
        written=write,
    )


def summary(report: ImportReport) -> str:
    """One line: "imported 10,000 orders and 2,314 customers in 4.1 s; 0 errors"."""
    verb = "imported" if report.written else "checked"
    line = (
        f"{verb} {report.orders:,} {_plural(report.orders, 'order')} and "
        f"{report.customers:,} {_plural(report.customers, 'customer')} "
        f"in {report.seconds:.1f} s; {len(report.errors):,} {_plural(len(report.errors), 'error')}"
    )
    if report.written:
        counts = report.counts
        line += (
            f" ({counts.written:,} written, {counts.unchanged:,} unchanged, "
            f"{counts.older_skipped:,} older skipped)"
        )
    elif report.errors:
        line += "; nothing written"
    else:
        line += "; nothing written (dry run)"
    return line


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


class ProgressLine:
    """ "importing 12,000 of 100,000 records (12%)" on one terminal line, redrawn."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        self._stream.write(f"\rimporting {done:,} of {total:,} records ({percent}%)")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()


def import_command(
    settings: Settings,
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """The command: 0 when every record was good, 1 when any was bad (each reported on
    stderr with its line and field), 2 when the file or the table cannot be used."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not path.is_file():
        print(f"menschmoment: no such file: {path}", file=err)
        return 2
    store = None
    if not dry_run:
        if not settings.region and not settings.dynamodb_endpoint:
            print("menschmoment: set AWS_REGION (or DYNAMODB_ENDPOINT) for the table", file=err)
            return 2
        store = _store(settings)
    progress = ProgressLine(err) if err.isatty() else None
    try:
        report = run_import(path, store, skip_invalid=skip_invalid, progress=progress)
    except StorageError as failure:
        if progress is not None:
            progress.close()
        # What was written stays; the same import again finishes it, and skips the rest.
        print(f"menschmoment: the table failed ({failure}); run the import again", file=err)
        return 2
    except (OSError, UnicodeDecodeError) as failure:
        print(f"menschmoment: cannot read {path}: {failure}", file=err)
        return 2
    if progress is not None:
        progress.close()
    for error in report.errors:
        print(str(error), file=err)
    print(summary(report), file=out)
    return 1 if report.errors else 0


def _store(settings: Settings) -> ShopStore:
    from skill.storage.batch_json import send_batches_as_json
    from skill.storage.client import admin_client
    from skill.storage.shop import ShopStore

    client = admin_client(settings, bulk=True)
    send_batches_as_json(client)
    return ShopStore(client, settings.table_name)
