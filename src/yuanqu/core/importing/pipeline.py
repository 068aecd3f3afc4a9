"""The import pipeline: read → validate every row → report → write everything in one transaction, or nothing.

Each kind of import (zones, parcels, enterprises, enterprise-years) is an `Importer` in its own app;
`run_import` drives any of them the same way for the command line and the web. Importers turn rows into
a `Plan` of plain values; `write_plan` writes a plan with one prepared statement per batch of rows and
logs every change in the change log, because going through model instances would be ten times slower
for the 100,000-row files the city's yearly figures come in.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import chain, repeat
from operator import attrgetter, is_, itemgetter
from pathlib import Path

import polars
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from yuanqu.core.access import can_edit
from yuanqu.core.bulk import copy_rows
from yuanqu.core.changelog import _json_value, acting, current_actor
from yuanqu.core.importing.limits import DEFAULT_LIMITS, MB, Limits
from yuanqu.core.importing.problems import Problem, ProblemList
from yuanqu.core.importing.tabular import Column, Table, read_table

# Rows per INSERT/UPDATE batch: large enough that statement overhead vanishes, small enough for progress.
BATCH_SIZE = 5000
ANALYZE_AFTER_ROWS = 10_000
"""An import writing more rows than this refreshes the database's planner statistics afterwards."""


def import_limits() -> Limits:
    """What one import may read, from the settings (``YUANQU_IMPORT_MAX_*``)."""

    def setting(name: str, default: int) -> int:
        return int(getattr(settings, f"YUANQU_IMPORT_MAX_{name}", default))

    base = DEFAULT_LIMITS
    return Limits(
        file_bytes=setting("FILE_MB", base.file_bytes // MB) * MB,
        unpacked_bytes=setting("UNPACKED_MB", base.unpacked_bytes // MB) * MB,
        rows=setting("ROWS", base.rows),
        columns=setting("COLUMNS", base.columns),
        cells=setting("CELLS", base.cells),
        problems=setting("PROBLEMS", base.problems),
    )


def refresh_planner_statistics() -> None:
    """Let the database's query planner see the tables' current sizes (``ANALYZE``, on SQLite and PostgreSQL).

    Without statistics SQLite may walk a zone's every enterprise where an index on the parcels would pick a
    few: a zone user's map tile took five times longer. Run after bulk writes (large imports, after their
    transaction; the demo also inside its own, after each step, for the steps that read what earlier ones wrote)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@dataclass
class ImportReport:
    """What an import found and did, ready to print or to show on a page."""

    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    seconds: float = 0.0
    fingerprint: dict[str, str] | None = None  # what the plan would do per row (`Plan.fingerprint`), when asked

    @property
    def ok(self) -> bool:
        """Whether the file is valid as a whole (and so was, or may be, written)."""
        return not self.problems

    def summary(self) -> str:
        """One line, Chinese then English."""
        if self.problems:
            total = self.problem_count
            return (
                f"{self.filename}：{self.rows} 行，发现 {total} 个问题，未写入任何数据 / "
                f"{self.rows} rows, {total} problem(s) found, nothing written"
            )
        verb_zh, verb_en = ("", "") if self.written else ("将", "would be ")
        dry_zh, dry_en = ("（试运行，未写入）", " (dry run, nothing written)") if self.dry_run else ("", "")
        return (
            f"{self.filename}：{self.rows} 行，{verb_zh}新增 {self.created}，{verb_zh}更新 {self.updated}，"
            f"未变 {self.unchanged}，跳过 {len(self.skipped)}{dry_zh} / {self.rows} rows, {self.created} "
            f"{verb_en}created, {self.updated} {verb_en}updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped{dry_en} ({self.seconds:.1f} s)"
        )

    @property
    def problem_count(self) -> int:
        """Every problem found, also those beyond the ones listed."""
        return getattr(self.problems, "total", len(self.problems))

    @property
    def problems_omitted(self) -> int:
        """Problems counted but not listed one by one."""
        return getattr(self.problems, "omitted", 0)

    def problem_counts(self):
        """Every problem counted per column and reason (`ProblemCount`), the most frequent first."""
        by_reason = getattr(self.problems, "by_reason", None)
        return by_reason() if by_reason is not None else []

    def lines(self) -> list[str]:
        """The whole report as text lines: notes, skipped rows, the problems (the first ones whole, then all of
        them counted per column and reason), then the summary."""
        out = [f"说明 / note: {zh} / {en}" for zh, en in self.notes]
        out += [f"跳过 / skipped: 第 {row} 行 {zh} / row {row}: {en}" for row, zh, en in self.skipped]
        out += [f"问题 / problem: {p}" for p in self.problems]
        if self.problems_omitted:
            out.append(
                f"问题 / problem: 另有 {self.problems_omitted} 个问题未逐一列出；全部问题按列和原因计数如下 / and "
                f"{self.problems_omitted} more problems; all problems counted per column and reason:"
            )
            out += [f"问题 / problem: {count}" for count in self.problem_counts()]
        out.append(self.summary())
        return out


@dataclass(slots=True)
class Change:
    """One object a plan creates or updates, as plain values keyed by field attname."""

    values: dict[str, object]  # create: every supplied field; update: the changed fields only
    label: str  # how the change log names the object
    zone_id: int | None
    key: tuple = ()  # natural key of a created object, to find its id once inserted
    pk: int | None = None  # the object updated
    before: dict | None = None  # an updated object's stored values (attname -> value), before the change
    row: int | None = None  # where in the file the change comes from
    read: dict | None = None  # an update's changed fields as they were read: to find a change made since


def _stable(value) -> str:
    """A value as text that is the same in every process (for fingerprints)."""
    if isinstance(value, memoryview | bytearray):
        value = bytes(value)
    return repr(value)


@dataclass
class Plan:
    """The validated rows of a file, turned into what will be written."""

    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    # Updates an importer writes itself (model instances, as zones are): what the write checks for them.
    guards: list[Change] = field(default_factory=list)
    # Changes to records beyond the model's (a chain's own fields beside its links): the importer checks them itself
    # (`Importer.changed_elsewhere`); the fingerprint counts them, so a confirmation sees them change too.
    others: list[Change] = field(default_factory=list)
    # The values of the created objects a column at a time (attname -> values in the order of `creates`;
    # decimals as Decimals or as their text), where an importer gives them so: its creates then hold no values.
    created_columns: dict[str, list] | None = None

    def compare(
        self,
        values: dict,
        *,
        stored: dict | None,
        label: str,
        zone_id: int | None,
        key: tuple = (),
        new: dict | None = None,
        partial: bool = False,
        row: int | None,
    ) -> None:
        """One row of the file (``row``) against the stored row with its natural key: a create where there is
        none (of ``new``, the values with the key fields, when given), else an update of only the fields whose
        value differs, else unchanged. ``stored`` holds "id" and at least the fields of ``values``; a
        ``partial`` one is completed for the change log when written. An update remembers its fields as read,
        so that the write can refuse a row someone else changed in the meantime; ``row`` is required (None only
        where a change comes from no row of the file) because the web's confirmation compares the plans of
        the report and of the write row by row, and a change without its row escapes that comparison."""
        if stored is None:
            self.create(values if new is None else new, label=label, zone_id=zone_id, key=key, row=row)
            return
        changed = {name: value for name, value in values.items() if stored[name] != value}
        if changed:
            read = {name: stored[name] for name in changed}
            self.updates.append(
                Change(
                    changed,
                    label,
                    zone_id,
                    key=key,
                    pk=stored["id"],
                    before=None if partial else stored,
                    row=row,
                    read=read,
                )
            )
        else:
            self.unchanged += 1

    def create(self, values: dict, *, label: str, zone_id: int | None, key: tuple, row: int | None = None) -> None:
        """A row of the file (``row``) whose natural key ``key`` is not stored: created with ``values``, every
        field it supplies, the key's included."""
        self.creates.append(Change(values, label, zone_id, key=key, row=row))

    def fingerprint(self) -> dict[str, str]:
        """What the plan does to each row of the file, as short digests by row number: a create, or an update
        with its values before and after; rows left unchanged are absent. Two plans of one file differ where
        the data changed in between."""
        texts: dict[str, str] = {}
        for change in chain(self.creates, self.updates, self.guards, self.others):
            if not isinstance(change, Change) or change.row is None:
                continue
            if change.pk is None:
                text = f"create {change.key!r}"
            else:
                text = repr(
                    [
                        change.pk,
                        sorted((name, _stable(value)) for name, value in change.values.items()),
                        sorted((name, _stable(value)) for name, value in (change.read or {}).items()),
                    ]
                )
            row = str(change.row)
            texts[row] = texts[row] + text if row in texts else text
        return {row: hashlib.blake2b(text.encode(), digest_size=8).hexdigest() for row, text in texts.items()}


class FirstRows:
    """Where each natural key first appears in a file: a later row with the same key repeats it."""

    def __init__(self) -> None:
        self._first: dict = {}

    def repeated(self, key, row: int) -> int | None:
        """The row that first had this key when ``row`` repeats it; None (and the key remembered) otherwise."""
        first = self._first.setdefault(key, row)
        return None if first == row else first


class Importer:
    """One kind of import: its columns, how rows become changes, and how they are written.

    A subclass sets `model` and `natural_key` (the fields that find a created row's id again) and
    implements `plan`; the default `write` bulk-writes the plan's `Change`s and logs them.
    """

    kind: str = ""
    label_zh: str = ""
    label_en: str = ""
    schema: Sequence[Column] = ()
    template_keys: Sequence[str] = ()
    template_title: str = ""
    model: type[models.Model] | None = None
    natural_key: tuple[str, ...] = ()

    def configure(self, **options) -> None:
        """Options only some kinds understand (a spatial file's EPSG code and encoding)."""

    def read(self, source, *, filename: str) -> Table:
        """Read the file into parsed rows and problems (spreadsheets by default), within the import limits."""
        return read_table(source, self.schema, filename=filename, limits=import_limits())

    def required_keys(self) -> list[str]:
        """The columns without which no row can be checked (the reader reports them missing)."""
        return [c.key for c in self.schema if c.required]

    def plan(self, table: Table, *, user, problems: list[Problem]) -> Plan:
        """Validate every row against the database and the user's rights; append problems, write nothing."""
        raise NotImplementedError

    def write(self, plan: Plan, *, user, progress) -> None:
        """Write a valid plan; runs inside the import's transaction."""
        write_plan(self.model, plan, natural_key=self.natural_key, progress=progress)

    def changed_elsewhere(self, plan: Plan) -> list[Problem]:
        """The rows whose other records (beyond `model`'s rows, which `changed_since_read` checks: a chain's own
        fields beside its links) someone else changed since the file was read; runs in the write's transaction,
        before `write`, and should lock what it compares."""
        return []


def problem(row: int | None, column: str | None, value, zh: str, en: str) -> Problem:
    """A problem with its value as text (None stays None); a parsed number shows as typed ("-5", not "-5.0000")."""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return Problem(row=row, column=column, value=None if value is None else str(value), reason_zh=zh, reason_en=en)


class _Silent:
    """Stands in for `Progress` where nobody watches (web requests, tests)."""

    def __init__(self, *args, **kwargs) -> None:
        self.done = 0

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        self.done += n


def progress_factory(stream) -> Callable:
    """Makes `Progress(label, total)` reporting to the stream, or silent ones when there is no stream."""
    if stream is None:
        return _Silent
    if callable(getattr(stream, "stage", None)):  # a job's progress (yuanqu.core.jobs.services.JobProgress)
        return stream.stage
    from yuanqu.core.progress import Progress

    return lambda label, total=None: Progress(label, total, stream=stream)


NOT_ALLOWED = ("您的角色只能查看数据，不能导入", "your role may read data but not import it")


def run_import(
    importer: Importer,
    source,
    *,
    filename: str | None = None,
    user=None,
    dry_run: bool = False,
    progress_stream=None,
    fingerprint: bool = False,
    expected: dict[str, str] | None = None,
) -> ImportReport:
    """Read, validate, and (unless dry_run or anything is wrong) write one file; returns the report.

    ``user`` None is the system itself (the command line without --user); otherwise only the user's
    editable zones may be touched. Progress of the reading, checking and writing stages goes to
    ``progress_stream`` (stderr for commands) when given. ``fingerprint`` puts what the plan does per row in
    the report; ``expected`` (such a fingerprint, from the dry run a user confirmed) refuses the rows whose
    plan differs now, because someone changed their records in between.
    """
    with _collector_paused():
        prepared = prepare_import(
            importer,
            source,
            filename=filename,
            user=user,
            dry_run=dry_run,
            progress_stream=progress_stream,
            fingerprint=fingerprint,
            expected=expected,
        )
        if prepared.report.problems or dry_run:
            return prepared.report
        return write_import(prepared)


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector for the duration of an import.

    An import keeps millions of cells, values and rows alive until it ends, and creates no reference
    cycles worth collecting; every collection would only walk them all again (a sixth of a 100,000-row
    import's time). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class PreparedImport:
    """A file read and checked, with the plan of what writing it would do (`prepare_import`)."""

    importer: Importer
    report: ImportReport
    plan: Plan
    user: object = None
    progress_stream: object = None
    last_pk: object = None  # the highest primary key when the file was checked: rows created since are newer
    started: float = 0.0


def prepare_import(
    importer: Importer,
    source,
    *,
    filename: str | None = None,
    user=None,
    dry_run: bool = False,
    progress_stream=None,
    fingerprint: bool = False,
    expected: dict[str, str] | None = None,
) -> PreparedImport:
    """Read and check a file and plan its writes, writing nothing (see `run_import`); `write_import` writes it."""
    started = time.perf_counter()
    name = filename or (Path(source).name if isinstance(source, str | Path) else importer.kind)
    limits = import_limits()
    report = ImportReport(kind=importer.kind, filename=name, dry_run=dry_run)
    report.problems = ProblemList(limit=limits.problems)
    prepared = PreparedImport(importer, report, Plan(), user=user, progress_stream=progress_stream, started=started)
    if user is not None and not can_edit(user):
        report.problems.append(problem(None, None, None, *NOT_ALLOWED))
        return prepared
    stage = progress_factory(progress_stream)

    with stage(f"读取 {name} / reading") as reading:
        table = importer.read(source, filename=name)
        reading.advance(table.row_count)
    report.rows = table.row_count
    report.skipped = list(table.skipped)
    problems = table.problems
    if not isinstance(problems, ProblemList):
        problems = ProblemList(problems, limit=limits.problems)
    if not table.row_count and not problems:
        problems.append(problem(None, None, None, "文件中没有数据行", "the file has no data rows"))
    plan = Plan()
    if table.row_count and not _blocks_rows(problems) and all(key in table.headers for key in importer.required_keys()):
        prepared.last_pk = _last_pk(importer)
        with stage("检查 / checking", total=table.row_count) as checking:
            plan = importer.plan(table, user=user, problems=problems)
            checking.advance(table.row_count)
        if expected is not None and not problems:
            _compare_fingerprints(expected, plan.fingerprint(), problems)
        if fingerprint and not problems:
            report.fingerprint = plan.fingerprint()
    report.notes = list(table.notes)  # importers add theirs while planning
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    report.problems = problems
    report.created, report.updated, report.unchanged = len(plan.creates), len(plan.updates), plan.unchanged
    prepared.plan = plan
    report.seconds = time.perf_counter() - started
    return prepared


CHANGED_SINCE_READ = (
    "该记录在读取文件后已被他人修改，请重新导入",
    "changed by someone else after the file was read; import it again",
)
DELETED_SINCE_READ = (
    "该记录在读取文件后已被他人删除，请重新导入",
    "deleted by someone else after the file was read; import it again",
)
CREATED_SINCE_READ = (
    "该记录在读取文件后已被他人新增，请重新导入",
    "created by someone else after the file was read; import it again",
)
CONFLICT = (
    "写入时与他人同时进行的修改冲突，未写入任何数据，请重新导入",
    "the write collided with a change someone else was making; nothing was written; import it again",
)


def write_import(prepared: PreparedImport) -> ImportReport:
    """Write a prepared import in one transaction, unless a record it changes was changed (or one it creates
    was created) by someone else since the file was read: then nothing is written and the report names the
    rows."""
    report, plan, importer, user = prepared.report, prepared.plan, prepared.importer, prepared.user
    stage = progress_factory(prepared.progress_stream)
    conflicts: list[Problem] = []
    try:
        with (
            stage("写入 / writing", total=len(plan.creates) + len(plan.updates)) as writing,
            transaction.atomic(),
            acting(source="import", user=user),
        ):
            conflicts = changed_since_read(importer, plan, last_pk=prepared.last_pk) + importer.changed_elsewhere(plan)
            if not conflicts:
                importer.write(plan, user=user, progress=writing)
    except IntegrityError:
        conflicts = [problem(None, None, None, *CONFLICT)]
    if conflicts:
        report.problems.extend(conflicts)
        report.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        report.seconds = time.perf_counter() - prepared.started
        return report
    report.written = True
    if report.created + report.updated > ANALYZE_AFTER_ROWS:
        refresh_planner_statistics()
    report.seconds = time.perf_counter() - prepared.started
    return report


def guard(instance: models.Model, read: dict, *, label: str, zone_id: int | None, row: int | None) -> Change:
    """What the write checks for an update an importer saves itself (a model instance, in ``Plan.guards``): the
    fields its row changes, as they were read (``read``: attname -> value) and as they will be written."""
    values = {name: getattr(instance, name) for name in read}
    return Change(values, label, zone_id, pk=instance.pk, row=row, read=read)


def tree_guard(
    instance: models.Model, original: dict, *, parent_given: bool, parent, label: str, zone_id, key: tuple, row: int
) -> Change:
    """`guard` for a record of a tree (a zone, a chain link) whose parent the importer sets at the write: the fields
    its row changes as they were read (``original``: attname -> value), with its parent when the file names one
    (``parent``: the instance it will get, None for none)."""
    read = {name: value for name, value in original.items() if name != "parent_id" and getattr(instance, name) != value}
    change = guard(instance, read, label=label, zone_id=zone_id, row=row)
    if parent_given:
        change.read["parent_id"] = original["parent_id"]
        change.values["parent_id"] = parent.pk if parent is not None else None
    change.key = key
    return change


def keep_stored(instance: models.Model, change: Change) -> None:
    """Give an instance read when the file was checked the values stored now (locked by `changed_since_read`) of
    every field its row does not change, so that saving it whole writes only what the file changes and keeps
    what someone else changed meanwhile in other fields."""
    if change.before is None:
        return
    for model_field in instance._meta.concrete_fields:
        name = model_field.attname
        if model_field.primary_key or name in change.values or name not in change.before:
            continue
        value = change.before[name]
        if model_field.is_relation and getattr(instance, name) != value and model_field.is_cached(instance):
            model_field.delete_cached_value(instance)  # the related object read then is not the one stored now
        setattr(instance, name, value)


def _last_pk(importer: Importer):
    model = importer.model
    if model is None or not importer.natural_key:
        return None
    return model._base_manager.aggregate(last=models.Max("pk"))["last"]


def changed_since_read(importer: Importer, plan: Plan, *, last_pk=None) -> list[Problem]:
    """The rows of a plan whose records changed since the file was read; run inside the write's transaction.

    Updated rows are locked (``SELECT ... FOR UPDATE`` where the database has it; SQLite's write transaction
    already holds the database) in primary-key order, so two imports never wait on each other in a circle,
    and the fields the plan changes are compared with what was read. Each update then carries its row as it
    is now, for the change log. A created row is refused when a row with its natural key appeared since.
    """
    model = importer.model
    if model is None:
        return []
    conflicts: list[Problem] = []
    updates = {
        change.pk: change
        for change in chain(plan.updates, plan.guards)
        if isinstance(change, Change) and change.read is not None
    }
    if updates:
        fields = [f.attname for f in model._meta.concrete_fields]
        pk_name = model._meta.pk.attname
        rows = model._base_manager.order_by(pk_name)
        if connection.features.has_select_for_update:
            rows = rows.select_for_update()
        found = set()
        for chunk in chunked(sorted(updates)):
            for stored in rows.filter(pk__in=chunk).values(*fields):
                change = updates[stored[pk_name]]
                found.add(change.pk)
                if any(stored[name] != value for name, value in change.read.items()):
                    conflicts.append(problem(change.row, None, change.label, *CHANGED_SINCE_READ))
                else:
                    change.before = stored
        conflicts.extend(
            problem(change.row, None, change.label, *DELETED_SINCE_READ)
            for pk, change in updates.items()
            if pk not in found
        )
    creates = {change.key: change for change in plan.creates if isinstance(change, Change) and change.key}
    if creates and importer.natural_key:
        rows = model._base_manager.order_by()
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        for key in rows.values_list(*importer.natural_key).iterator(chunk_size=BATCH_SIZE):
            change = creates.get(tuple(key))
            if change is not None:
                conflicts.append(problem(change.row, None, change.label, *CREATED_SINCE_READ))
    return conflicts


def _compare_fingerprints(expected: dict[str, str], actual: dict[str, str], problems) -> None:
    """Refuse the rows whose plan differs from the one the user saw and confirmed."""
    rows = sorted(
        (row for row in expected.keys() | actual.keys() if expected.get(row) != actual.get(row)),
        key=lambda row: int(row) if str(row).isdigit() else 0,
    )
    for row in rows:
        number = int(row) if str(row).isdigit() else None
        problems.append(problem(number, None, None, *CHANGED_SINCE_READ))


def _blocks_rows(problems: list[Problem]) -> bool:
    """A problem with the file as a whole (no row) means its rows cannot be trusted, e.g. an unknown CRS."""
    return any(p.row is None for p in problems)


# --------------------------------------------------------------------------------------------------------------
# Helpers for importers
# --------------------------------------------------------------------------------------------------------------


def present_keys(table: Table, schema: Sequence[Column]) -> list[str]:
    """The schema keys whose columns the file actually has (absent columns are left untouched on update)."""
    return [c.key for c in schema if c.key in table.headers]


def apply_values(instance, values: dict, keys: Sequence[str]) -> list[str]:
    """Set the given keys on the instance; return the names whose value changed."""
    changed = []
    for key in keys:
        new = values.get(key)
        if getattr(instance, key) != new:
            setattr(instance, key, new)
            changed.append(key)
    return changed


def fill_before(model: type[models.Model], changes: list[Change]) -> None:
    """Give each update without them its object's complete stored values, for the change log; importers
    compare only the columns of the file, so they need not load every field of every unchanged row."""
    by_pk = {change.pk: change for change in changes if change.before is None}
    if not by_pk:
        return
    fields = [f.attname for f in model._meta.concrete_fields]
    pk_name = model._meta.pk.attname
    for chunk in chunked(list(by_pk)):
        for stored in model._base_manager.filter(pk__in=chunk).values(*fields):
            by_pk[stored[pk_name]].before = stored


_UNEQUAL = object()  # a probe that equals no stored value: the row is compared exactly


class StoredRows:
    """The stored rows of a model that a file's rows may update, read in plain SQL and compared as the database
    returns them, so that an unchanged row costs one tuple comparison instead of a Python value per cell.

    `read` fetches ``fields`` by natural key; `probes` turns the file's columns into what the database would
    return for them; a stored row equal to its probe is unchanged, and only a row that differs is converted
    (`values`) exactly as the ORM would, for `Plan.compare` to name the changed fields and remember them.
    """

    # Beyond 15 significant digits a float (SQLite's REAL) no longer tells two decimals apart: such columns are
    # not probed as floats (with 4 places, 10**11 leaves 15 digits), and their rows are compared exactly.
    FLOAT_SAFE = Decimal(10) ** 11

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.model = model
        self.names = [meta.pk.attname, *fields]
        self._fields = [meta.pk, *(meta.get_field(name) for name in fields)]
        self._converters = []
        for model_field in self._fields:
            column = model_field.get_col(meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            self._converters.append([(converter, column) for converter in converters])
        self.rows: dict[tuple, tuple] = {}

    def read(self, key: Sequence[str], by: str, ids: Iterable) -> dict[tuple, tuple]:
        """The stored rows whose ``by`` column is among ``ids``, as raw tuples (pk, *fields) by natural ``key``."""
        meta = self.model._meta
        quote = connection.ops.quote_name
        select = ", ".join(quote(meta.get_field(name).column) for name in [*key, *self.names])
        sql = f"SELECT {select} FROM {quote(meta.db_table)} WHERE {quote(meta.get_field(by).column)} IN "
        width = len(key)
        with connection.cursor() as cursor:
            for chunk in chunked(sorted(ids)):
                cursor.execute(sql + f"({', '.join(['%s'] * len(chunk))})", chunk)
                for row in cursor.fetchall():
                    self.rows[row[:width]] = row[width:]
        return self.rows

    def probes(self, columns: Sequence[list]) -> list[tuple]:
        """The file's values of the compared fields (one list per field, in row order), row by row as tuples
        in the form the database returns them: a decimal as a float where the database stores a float."""
        probed = []
        for model_field, values in zip(self._fields[1:], columns, strict=True):
            if model_field.get_internal_type() == "DecimalField" and connection.vendor == "sqlite":
                present = [v for v in values if v is not None]
                safe = self.FLOAT_SAFE
                if not present or (-safe < min(present) and max(present) < safe):
                    values = [None if v is None else float(v) for v in values]
                else:
                    values = [v if v is None else float(v) if -safe < v < safe else _UNEQUAL for v in values]
            probed.append(values)
        return list(zip(*probed, strict=True))

    @staticmethod
    def same(stored: tuple, probe: tuple) -> bool:
        """Whether a stored row holds exactly the probed values (False may still be equal: compare exactly)."""
        return stored[1:] == probe

    def values(self, stored: tuple) -> dict:
        """A stored row as the ORM's ``values()`` gives it: pk and fields by attname, converted exactly."""
        out = {}
        for name, value, converters in zip(self.names, stored, self._converters, strict=True):
            for converter, column in converters:
                value = converter(value, column, connection)
            out[name] = value
        return out


def chunked(items: Sequence, size: int = 900):
    """Slices of at most ``size`` items (SQLite takes at most 999 parameters in a query)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


_INT_LIMITS = {
    "PositiveSmallIntegerField": (0, 32767),
    "PositiveIntegerField": (0, 2147483647),
    "PositiveBigIntegerField": (0, 9223372036854775807),
    "SmallIntegerField": (-32768, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "BigIntegerField": (-9223372036854775808, 9223372036854775807),
}


def column_values(table: Table, key: str) -> list:
    """One column of the file's parsed rows, in row order (every row holds every column the file has)."""
    if key in table.columns and len(table.columns[key]) == table.row_count:
        return list(table.column(key))  # a copy of the reader's column: the same values without a pass over the rows
    return list(map(itemgetter(key), map(attrgetter("values"), table.rows)))


def row_numbers(table: Table) -> list[int]:
    """Each data row's number as the file shows it, in row order."""
    if len(table.numbers) == table.row_count:
        return table.numbers
    return [parsed.row for parsed in table.rows]


def _texts_within(texts: list, low, high) -> bool:
    """Whether the decimals written as ``texts`` (None for blank) surely lie within ``low`` and ``high``: True
    when their floats (parsed in Polars) keep well clear of both, or of a lower bound of 0, which a float
    crosses exactly where its decimal does; False leaves the answer to the exact check."""
    floats = polars.Series("texts", texts, dtype=polars.String).cast(polars.Float64)
    lowest, highest = floats.min(), floats.max()
    if lowest is None:
        return True  # every value blank
    # A float is within 1e-16 of its decimal, relatively: a margin of 1e-12 of the bound leaves no doubt.
    margin = max(abs(float(low)), abs(float(high)), 1.0) * 1e-12
    above = lowest >= 0 if low == 0 else lowest >= float(low) + margin
    return above and highest <= float(high) - margin


def _bounds(model_field: models.Field, non_negative: bool) -> tuple[object, object, tuple[str, str]] | None:
    """The lowest and highest value a numeric field holds, and what to say of a value above it."""
    internal = model_field.get_internal_type()
    if internal == "DecimalField":
        limit = Decimal(10) ** (model_field.max_digits - model_field.decimal_places)
        highest = limit - Decimal(1).scaleb(-model_field.decimal_places)
        reason = (f"数值过大（应小于 {limit:,}）", f"too large (must be below {limit:,})")
        return (0 if non_negative else -highest), highest, reason
    if internal in _INT_LIMITS:
        low, high = _INT_LIMITS[internal]
        return (0 if non_negative else low), high, ("数值过大", "too large")
    return None


def check_values(
    model: type[models.Model],
    table: Table,
    keys: Iterable[str],
    problems: list[Problem],
    *,
    non_negative: Iterable[str] = (),
) -> None:
    """Report values the database could not hold or the domain forbids: text longer than its field,
    negative values in ``non_negative`` columns, numbers too large for their field.

    Checked a column at a time with min() and max() first, so a clean 100,000-row column costs a few
    C-level passes; only a column with a bad value is walked row by row.
    """
    headers = table.headers
    non_negative = set(non_negative)
    for key in keys:
        if key not in headers:
            continue
        try:
            model_field = model._meta.get_field(key)
        except FieldDoesNotExist:  # a column that is not a field of the model, e.g. "zone"
            continue
        texts, bounds = table.texts.get(key), _bounds(model_field, key in non_negative)
        if texts is not None and bounds is not None and _texts_within(texts, bounds[0], bounds[1]):
            continue  # no Decimal made: the column may go to the database as its text
        values = column_values(table, key)
        # A full column needs no copy; the test is by identity (comparing a Decimal with None is slow).
        present = [v for v in values if v is not None] if any(map(is_, values, repeat(None))) else values
        if not present:
            continue
        if model_field.get_internal_type() == "CharField" and model_field.max_length:
            limit = model_field.max_length
            if max(map(len, present)) <= limit:
                continue
            for row, value in zip(table.rows, values, strict=True):
                if value is not None and len(value) > limit:
                    shown = value if len(value) <= 40 else value[:40] + "…"
                    problems.append(
                        problem(row.row, headers[key], shown, f"超过 {limit} 个字", f"longer than {limit} characters")
                    )
            continue
        bounds = _bounds(model_field, key in non_negative)
        if bounds is None:
            continue
        low, high, too_large = bounds
        if low <= min(present) and max(present) <= high:
            continue
        factor = table.factors.get(key)
        for row, value in zip(table.rows, values, strict=True):
            if value is None or low <= value <= high:
                continue
            reason = ("不能为负数", "may not be negative") if value < 0 <= low else too_large
            # The value as the file wrote it, in the unit of its header (stored units differ after a conversion).
            shown = value if factor is None else Decimal(value) / (Decimal(factor.numerator) / factor.denominator)
            problems.append(problem(row.row, headers[key], shown, *reason))


# --------------------------------------------------------------------------------------------------------------
# Writing a plan
# --------------------------------------------------------------------------------------------------------------


def _adapter(model_field: models.Field) -> Callable[[object], object] | None:
    """How a field's Python value becomes a query parameter; None where the driver takes it as it is.

    Importers hand over values already of the field's type (Decimals quantised to its places, dates,
    bools), so only JSON and time stamps need the backend's conversion.
    """
    internal = model_field.get_internal_type()
    if internal == "JSONField":
        encoder = model_field.encoder
        return lambda value: None if value is None else connection.ops.adapt_json_value(value, encoder)
    if internal in ("DateTimeField", "TimeField", "UUIDField"):
        return lambda value: model_field.get_db_prep_save(value, connection)
    return None


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]


def _is_stamp(model_field: models.Field) -> bool:
    return getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)


def create_columns(model: type[models.Model], rows: list[dict]) -> dict[str, list]:
    """Complete plain rows column by column (attname -> values in row order), with every field's default
    and "now" for time stamps, as Model.save() would.

    Time stamps (which change-log snapshots leave out) come already in database form, converted once;
    decimals come as their text (see `_decimal_texts`).
    """
    now = timezone.now()
    columns = {}
    for model_field in _insert_fields(model):
        name = model_field.attname
        if _is_stamp(model_field):
            default = model_field.get_db_prep_save(now, connection)
        else:
            default = model_field.get_default()
            # A TextChoices member is a str subclass that database drivers need not know.
            default = default.value if isinstance(default, models.Choices) else default
        try:
            values = list(map(itemgetter(name), rows))  # at C speed when every row has the field
        except KeyError:
            values = [row.get(name, default) for row in rows]
        if model_field.get_internal_type() == "DecimalField":
            values = _decimal_texts(values)
        columns[name] = values
    return columns


def complete_columns(model: type[models.Model], given: dict[str, list], count: int) -> dict[str, list]:
    """`create_columns` for ``count`` rows given column by column (attname -> values): every other field
    takes its default, and decimals become their text (a text given stays as it is)."""
    now = timezone.now()
    columns = {}
    for model_field in _insert_fields(model):
        name = model_field.attname
        values = given.get(name)
        if values is None:
            if _is_stamp(model_field):
                default = model_field.get_db_prep_save(now, connection)
            else:
                default = model_field.get_default()
                default = default.value if isinstance(default, models.Choices) else default
            values = [default] * count
        elif len(values) != count:
            raise ValueError(f"{len(values)} values of {name} for {count} rows")
        if model_field.get_internal_type() == "DecimalField":
            values = _decimal_texts(values)
        columns[name] = values
    return columns


_TEXT_OR_NONE = frozenset({str, type(None)})


def _decimal_texts(values: list) -> list:
    """Decimals as str() writes them (None stays None), converted once for both the INSERT and the change log;
    a text already (`Table.texts`) stays as it is.

    Importers give decimals already quantised to their field's places, so the text is the stored value;
    it is also what Django's SQLite adapter would send.
    """
    if set(map(type, values)) <= _TEXT_OR_NONE:
        return values  # texts already (`Table.texts`)
    # Not "None in values": comparing a Decimal with None goes through a slow isinstance check.
    if any(map(is_, values, repeat(None))):
        return [None if value is None else str(value) for value in values]
    return list(map(str, values))


def insert_columns(model: type[models.Model], columns: dict[str, list], *, progress=None) -> list[int] | None:
    """INSERT rows given column by column (see `create_columns`); their ids in order where known (`insert_tuples`)."""
    fields = _insert_fields(model)
    params = []
    for model_field in fields:
        values = columns[model_field.attname]
        if model_field.get_internal_type() == "DecimalField" and connection.vendor != "sqlite":
            values = [None if value is None else Decimal(value) for value in values]  # other drivers want Decimals
        elif not _is_stamp(model_field) and (adapter := _adapter(model_field)) is not None:
            values = list(map(adapter, values))
        params.append(values)
    return insert_tuples(model, fields, list(zip(*params, strict=True)), progress=progress)


def _max_parameters() -> int | None:
    """How many parameters one statement may hold, where many-row INSERTs beat executemany (SQLite)."""
    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def insert_tuples(
    model: type[models.Model],
    fields: Sequence[models.Field],
    params: list[tuple],
    *,
    shared: Sequence[tuple[models.Field, object]] = (),
    progress=None,
) -> list[int] | None:
    """INSERT rows given as tuples of database values in the order of ``fields``, with the ``shared`` fields'
    values the same in every row; returns the new rows' ids in order on SQLite (for an auto id), else None.

    On SQLite one statement carries as many rows as its parameter limit allows (32766 since 3.32) rather
    than executemany's one statement step per row (a quarter less CPU in SQLite when measured alone), and
    the shared values once; elsewhere `copy_rows` per batch (COPY on PostgreSQL). The rows of one SQLite statement take
    consecutive ids, the last of them the one the statement reports (an id is one more than the highest so
    far, with or without AUTOINCREMENT), so they need not be looked up again.
    """
    if not params:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*(f for f, _value in shared), *fields])
    constants = [value for _field, value in shared]
    limit = _max_parameters()
    per_statement = min((limit - len(constants)) // len(fields), BATCH_SIZE) if limit else 0
    if per_statement > 1:
        # Written with SQLite's own "?" marks for the driver's cursor: Django's would rewrite every "%s" of
        # a statement of 32,000 parameters with a regular expression, a fifth of the whole write.
        head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
        tail = ""
        if constants:
            # The shared values are the first parameters (?1, ?2, ...), selected beside each row of a VALUES list.
            picked = [f"?{number}" for number in range(1, len(constants) + 1)]
            picked += [f"column{number}" for number in range(1, len(fields) + 1)]
            head += f"SELECT {', '.join(picked)} FROM (VALUES "
            tail = ")"
        else:
            head += "VALUES "
        row_marks = f"({', '.join(['?'] * len(fields))})"
        full_sql = head + ", ".join([row_marks] * per_statement) + tail
        pk = model._meta.pk
        # The statement reports the last row's rowid, which is its id only where the id is an auto field
        # (SQLite's INTEGER PRIMARY KEY) that the rows do not give themselves.
        ids: list[int] | None = [] if isinstance(pk, models.AutoField) and pk not in fields else None
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                for batch in chunked(params, per_statement):
                    sql = full_sql if len(batch) == per_statement else head + ", ".join([row_marks] * len(batch)) + tail
                    cursor.execute(sql, [*constants, *chain.from_iterable(batch)])
                    if ids is not None:
                        ids.extend(range(cursor.lastrowid - len(batch) + 1, cursor.lastrowid + 1))
                    if progress is not None:
                        progress.advance(len(batch))
            finally:
                cursor.close()
        return ids
    columns = [f.column for f in [*(f for f, _value in shared), *fields]]
    for batch in chunked(params, BATCH_SIZE):
        copy_rows(model._meta.db_table, columns, [(*constants, *row) for row in batch] if constants else batch)
        if progress is not None:
            progress.advance(len(batch))
    return None


def update_rows(model: type[models.Model], changes: list[Change], *, progress=None) -> None:
    """UPDATE the changed fields of each object; changes with the same fields share one statement."""
    if not changes:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    # Fields with auto_now ("updated") are stamped, as Model.save() would.
    stamped = [f for f in meta.concrete_fields if getattr(f, "auto_now", False)]
    now = timezone.now()
    stamps = [_adapter(f)(now) for f in stamped]
    groups: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        groups.setdefault(tuple(sorted(change.values)), []).append(change)
    with connection.cursor() as cursor:
        for names, group in groups.items():
            fields = [meta.get_field(name) for name in names]
            adapters = [_adapter(f) for f in fields]
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in [*fields, *stamped])
            sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
            for batch in chunked(group, BATCH_SIZE):
                params = []
                for change in batch:
                    values = [
                        adapter(value) if adapter is not None and value is not None else value
                        for adapter, value in zip(adapters, (change.values[name] for name in names), strict=True)
                    ]
                    params.append([*values, *stamps, change.pk])
                cursor.executemany(sql, params)
                if progress is not None:
                    progress.advance(len(batch))


def _find_ids(model: type[models.Model], changes: list[Change], natural_key: tuple[str, ...], after_pk) -> None:
    """Set the pk of each created change by finding its natural key among the rows inserted after
    ``after_pk`` (a bulk INSERT returns no ids on every backend)."""
    wanted = {change.key: change for change in changes}
    rows = model._base_manager.order_by().values_list("pk", *natural_key)
    if after_pk is not None:
        rows = rows.filter(pk__gt=after_pk)
    for pk, *key in rows.iterator(chunk_size=BATCH_SIZE):
        change = wanted.get(tuple(key))
        if change is not None:
            change.pk = pk
    missing = [change for change in changes if change.pk is None]
    if missing:
        raise RuntimeError(f"{len(missing)} inserted {model._meta.label} rows not found again, e.g. {missing[0].key}")


def _decimal_json(value: Decimal | None) -> str | None:
    # As changelog._json_value writes a Decimal: no trailing zeros, so one number has one spelling.
    if value is None:
        return None
    return format(value.normalize(), "f")


def _other_json(value):
    return None if value is None else _json_value(value)


class _Snapshots:
    """Builds change-log snapshots of plain rows, the same JSON values as `changelog.snapshot` gives."""

    _AS_IS = frozenset(
        {"CharField", "TextField", "BooleanField", "ForeignKey", "BigAutoField", "AutoField", *_INT_LIMITS}
    )

    def __init__(self, model: type[models.Model]) -> None:
        skip = set(getattr(model, "changelog_exclude", ()))
        fields = [f for f in model._meta.concrete_fields if f.name not in skip]
        self.names = [f.attname for f in fields]
        groups: dict[str, list[str]] = {"as_is": [], "decimal": [], "other": []}
        for f in fields:
            internal = f.get_internal_type()
            group = "as_is" if internal in self._AS_IS else "decimal" if internal == "DecimalField" else "other"
            groups[group].append(f.attname)
        # One itemgetter per group turns a row into its values at C speed; a lone name still gives a tuple.
        self.groups = [
            (names, itemgetter(*names) if len(names) > 1 else (lambda row, name=names[0]: (row[name],)), convert)
            for names, convert in (
                (groups["as_is"], None),
                (groups["decimal"], _decimal_json),
                (groups["other"], _other_json),
            )
            if names
        ]
        self.converters = {name: convert for names, _get, convert in self.groups for name in names}

    def __call__(self, row: dict) -> dict:
        """The snapshot of a complete row."""
        snapshot = {}
        for names, get, convert in self.groups:
            snapshot.update(zip(names, get(row) if convert is None else map(convert, get(row)), strict=True))
        return snapshot

    def value(self, name: str, value):
        """One field's value as a snapshot holds it."""
        convert = self.converters[name]
        return value if convert is None else convert(value)

    def json_many(self, columns: dict[str, list]) -> list[str]:
        """The snapshots of many complete rows, given column by column with decimals as text (see
        `create_columns`), as JSON text built in Polars.

        The same values as ``json.dumps(self(row))`` (without its spaces), about three times faster for
        the 100,000 rows of a year's figures.
        """
        series = []
        for names, _get, convert in self.groups:
            for name in names:
                values = columns[name]
                if convert is None:
                    series.append(polars.Series(name, values, strict=False))
                elif convert is _decimal_json:
                    texts = polars.Series(name, values, dtype=polars.String)
                    if texts.str.contains("E", literal=True).any():
                        texts = polars.Series(
                            name,
                            [None if v is None else _decimal_json(Decimal(v)) for v in values],
                            dtype=polars.String,
                        )
                    # Trailing zeros go ("1200.5000" -> "1200.5", "1200.0000" -> "1200"), as in _decimal_json;
                    # str() of a Decimal writes no exponent here, so the text is plain digits and a point.
                    if texts.str.contains(".", literal=True).all():  # a point in every text: strip, no regex
                        series.append(texts.str.strip_chars_end("0").str.strip_chars_end("."))
                    else:
                        series.append(texts.str.replace(r"(\.\d*?)0+$", "${1}").str.replace(r"\.$", ""))
                else:
                    series.append(polars.Series(name, list(map(convert, values)), dtype=polars.String))
        frame = polars.DataFrame(series)
        return frame.select(polars.struct(polars.all()).struct.json_encode()).to_series().to_list()


def log_changes(model: type[models.Model], plan: Plan, *, created: dict[str, list] | None, progress=None) -> int:
    """Write one change-log entry per created and updated object, built directly as rows.

    The content type, user and source are resolved once, and an entry is a plain row rather than a
    model instance; the snapshots equal what `changelog.snapshot` would give.
    """
    from django.contrib.contenttypes.models import ContentType

    from yuanqu.core.models import ChangeLogEntry

    actor = current_actor()
    user = actor.resolve_user()
    common = {
        "time": ChangeLogEntry._meta.get_field("time").get_db_prep_save(timezone.now(), connection),
        "user_id": getattr(user, "pk", None),
        "username": getattr(user, "username", "") if user is not None else "",
        "source": actor.source,
        "content_type_id": ContentType.objects.get_for_model(model).pk,
    }
    snapshot = _Snapshots(model)
    # JSON goes in as text: SQLite stores text, and PostgreSQL casts text parameters to jsonb.
    encoder = ChangeLogEntry._meta.get_field("after").encoder
    # Compact separators: the same JSON values in fewer bytes, 100,000 times over.
    dump = partial(json.dumps, cls=encoder, separators=(",", ":"))
    every_field = dump(sorted(snapshot.names))  # a create changes every field: converted once
    creates, updates = plan.creates, plan.updates
    afters = snapshot.json_many(created) if created else []
    befores, changed_lists = [], []
    for change in updates:
        before = snapshot(change.before)
        after = dict(before)
        changed = sorted(name for name in change.values if name in snapshot.converters)
        for name in changed:
            after[name] = snapshot.value(name, change.values[name])
        befores.append(dump(before))
        afters.append(dump(after))
        changed_lists.append(dump(changed))
    # Entries go in as tuples built a column at a time: no dict per entry, no Python loop per cell; what every
    # entry of a kind shares goes once per statement (`insert_tuples`).
    fields = {f.attname: f for f in _insert_fields(ChangeLogEntry)}
    for changes, shared, varying in (
        (
            creates,
            {"action": "create", "before": None, "changed_fields": every_field},
            {"after": afters[: len(creates)]},
        ),
        (
            updates,
            {"action": "update"},
            {"before": befores, "after": afters[len(creates) :], "changed_fields": changed_lists},
        ),
    ):
        if not changes:
            continue
        columns = {
            "object_id": map(str, map(attrgetter("pk"), changes)),
            "object_repr": [label[:200] for label in map(attrgetter("label"), changes)],
            "zone_id": map(attrgetter("zone_id"), changes),
            **varying,
        }
        insert_tuples(
            ChangeLogEntry,
            [fields[name] for name in columns],
            list(zip(*columns.values(), strict=True)),
            shared=[(fields[name], value) for name, value in {**common, **shared}.items()],
        )
    return len(creates) + len(updates)


def write_plan(model: type[models.Model], plan: Plan, *, natural_key: tuple[str, ...], progress=None) -> None:
    """Insert the new objects, update the changed ones, and log every change; inside the caller's transaction."""
    fill_before(model, plan.updates)  # a no-op after `changed_since_read`, which read them under lock
    created = None
    if plan.creates:
        if plan.created_columns is not None:
            created = complete_columns(model, plan.created_columns, len(plan.creates))
        else:
            created = create_columns(model, [change.values for change in plan.creates])
        last_pk = model._base_manager.aggregate(last=models.Max("pk"))["last"]
        ids = insert_columns(model, created, progress=progress)
        if ids is not None:
            for change, pk in zip(plan.creates, ids, strict=True):
                change.pk = pk
        else:
            _find_ids(model, plan.creates, natural_key, last_pk)
        created[model._meta.pk.attname] = list(map(attrgetter("pk"), plan.creates))
    update_rows(model, plan.updates, progress=progress)
    log_changes(model, plan, created=created)


def template_columns(importer: Importer) -> list[Column]:
    """The columns of the importer's downloadable template, in order."""
    keys = importer.template_keys or [c.key for c in importer.schema]
    by_key = {c.key: c for c in importer.schema}
    return [by_key[k] for k in keys]
