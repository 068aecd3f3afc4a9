"""Pages of the targets app: the city's matrix of zones × lines coloured by pace, a zone's letter with every line's
actual, pace, colour, seasonal yardstick and points, the targets report; the supervised tasks (list with filters and
export, detail with its flow and extensions, the bulletin). Every query restricted to the user's zones."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.access import can_edit, can_edit_zone, can_see_zone
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.params import to_date, to_int
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import attachment, edit_page
from yuanqu.targets import selectors
from yuanqu.targets.filtersets import TaskFilterSet
from yuanqu.targets.forms import (
    AdvanceTaskForm,
    ExtendTaskForm,
    LetterForm,
    LineForm,
    MilestoneDoneForm,
    MilestoneForm,
    ReportValueForm,
)
from yuanqu.targets.models import ResponsibilityLetter, Target, Task, TaskAttachment, TaskMilestone
from yuanqu.targets.reports import write_supervision_notice, write_target_report, write_task_report
from yuanqu.targets.services import (
    FLOW,
    add_milestone,
    advance_task,
    complete_milestone,
    delete_target,
    extend_task,
    report_value,
    save_letter,
    save_target,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _when(request) -> tuple[int, dt.date, bool]:
    """The year and the date measured at (``?year=2026&as_of=2026-06-30``); False when either is not valid (the
    page then says so and shows today's year)."""
    today = dt.date.today()
    as_of = to_date(request.GET["as_of"]) if request.GET.get("as_of") else today
    if as_of is None:
        return today.year, today, False
    year = to_int(request.GET["year"], low=2000, high=2100) if request.GET.get("year") else as_of.year
    if year is None or not 2000 <= year <= 2100:
        return today.year, today, False
    return year, as_of, True


def _message_of(error: ValidationError) -> str:
    return "；".join(error.messages)


@login_required
def letter_overview(request):
    """Zones × lines of the year's letters, each cell coloured by pace; the reported lines never updated."""
    year, as_of, valid = _when(request)
    matrix = selectors.city_matrix(user=request.user, year=year, as_of=as_of)
    context = {
        "year": year,
        "as_of": as_of,
        "valid": valid,
        "matrix": matrix,
        "stale": selectors.stale_reported_lines(user=request.user, year=year, as_of=as_of),
        "amber_pct": int(selectors.amber_share() * 100),
        "can_edit": can_edit(request.user),
    }
    return render(request, "targets/letter_overview.html", context, status=200 if valid else 400)


@login_required
def letter_export(request):
    """The targets report for the year as of the date, as a workbook."""
    year, as_of, _valid = _when(request)
    buffer = io.BytesIO()
    write_target_report(buffer, user=request.user, year=year, as_of=as_of)
    return attachment(buffer.getvalue(), filename=f"targets-{year}-{as_of.isoformat()}.xlsx", content_type=XLSX)


@login_required
def letter_detail(request, pk: int):
    """A zone's letter: every line with its target, actual, share done, yardstick, colour, seasonal yardstick,
    points at year end, source (a link to the records behind a measured figure) and owners."""
    letter = get_object_or_404(selectors.scoped_letters(request.user).select_related("zone"), pk=pk)
    _year, as_of, valid = _when(request)
    rows = selectors.letter_progress(letter, user=request.user, as_of=as_of)
    context = {
        "letter": letter,
        "as_of": as_of,
        "rows": rows,
        "total": selectors.letter_points(rows),
        "can_edit": can_edit_zone(request.user, letter.zone_id),
        "report_form": ReportValueForm(),
    }
    return render(request, "targets/letter_detail.html", context, status=200 if valid else 400)


def _letter(request, pk: int) -> ResponsibilityLetter:
    return get_object_or_404(selectors.scoped_letters(request.user).select_related("zone"), pk=pk)


def _letter_page(request, *, letter: ResponsibilityLetter, title, cancel_url: str, initial=None):
    data = request.POST if request.method == "POST" else None
    form = LetterForm(data, user=request.user, initial=initial, instance=letter)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_letter(letter=f.instance, user=request.user),
        template="targets/letter_form.html",
        success_url=lambda saved: reverse("targets:letter-detail", args=[saved.pk]),
        context={"title": title, "letter": letter if letter.pk else None, "cancel_url": cancel_url},
        invalid_status=400,
    )


@login_required
def letter_create(request):
    """A new letter of a zone for a year (one per zone and year)."""
    if not can_edit(request.user):
        raise PermissionDenied
    return _letter_page(
        request,
        letter=ResponsibilityLetter(),
        title=_("新建目标责任状"),
        cancel_url=reverse("targets:letter-overview"),
        initial={"year": dt.date.today().year},
    )


@login_required
def letter_edit(request, pk: int):
    letter = _letter(request, pk)
    check_can_edit(user=request.user, obj=letter)
    cancel_url = reverse("targets:letter-detail", args=[pk])
    return _letter_page(request, letter=letter, title=_("编辑目标责任状"), cancel_url=cancel_url)


def _line_page(request, *, letter: ResponsibilityLetter, target: Target, title):
    form = LineForm(request.POST if request.method == "POST" else None, letter=letter, instance=target)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_target(target=f.instance, user=request.user),
        template="targets/line_form.html",
        success_url=lambda saved: reverse("targets:letter-detail", args=[letter.pk]),
        context={"title": title, "letter": letter, "cancel_url": reverse("targets:letter-detail", args=[letter.pk])},
        invalid_status=400,
    )


@login_required
def line_create(request, pk: int):
    """A new line of a letter: a measured indicator, or a reported one by its name; its scoring rule."""
    letter = _letter(request, pk)
    check_can_edit(user=request.user, obj=letter)
    return _line_page(request, letter=letter, target=Target(), title=_("添加目标"))


@login_required
def line_edit(request, pk: int):
    target = get_object_or_404(Target.objects.restrict(request.user).select_related("letter__zone"), pk=pk)
    check_can_edit(user=request.user, obj=target)
    return _line_page(request, letter=target.letter, target=target, title=_("编辑目标"))


@login_required
@require_POST
def line_delete(request, pk: int):
    target = get_object_or_404(Target.objects.restrict(request.user).select_related("letter"), pk=pk)
    letter_id = target.letter_id
    with transaction.atomic():
        delete_target(target=target, user=request.user)
    messages.success(request, _("已删除目标。"))
    return redirect("targets:letter-detail", letter_id)


@login_required
@require_POST
def line_report(request, pk: int):
    """Report the value of a line no ledger measures."""
    target = get_object_or_404(Target.objects.restrict(request.user).select_related("letter", "zone"), pk=pk)
    form = ReportValueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                report_value(
                    target=target, value=data["value"], on=data["on"], by=data["by"], evidence=data["evidence"],
                    user=request.user,
                )  # fmt: skip
            messages.success(request, _("已报送。"))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message_of(error) if isinstance(error, ValidationError) else str(error))
    else:
        messages.error(request, _("报送内容不完整。"))
    return redirect("targets:letter-detail", target.letter_id)


def _task_filterset(request) -> TaskFilterSet:
    return TaskFilterSet(
        request.GET,
        queryset=selectors.scoped_tasks(request.user).select_related("zone"),
        request=request,
        zone_choices=user_zone_choices(request.user),
    )


@login_required
def task_list(request):
    """The supervised tasks the user may see, filtered by zone, state, unit, overdue or the user's own, with their
    lights and working days overdue; a count per state (the board)."""
    filterset = _task_filterset(request)
    status = 200
    if filterset.is_valid():
        tasks = filterset.qs
    else:
        tasks, status = Task.objects.none(), 400
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    as_of = filterset.as_of()
    rows = selectors.task_rows(page.object_list, as_of=as_of)
    counts = dict.fromkeys(Task.State.values, 0)
    for state in tasks.values_list("state", flat=True):
        counts[state] += 1
    board = [(state, Task.State(state).label, count) for state, count in counts.items()]
    context = {
        "form": filterset.form, "page": page, "rows": rows, "board": board, "query": request.GET.urlencode(),
        "as_of": as_of,
    }  # fmt: skip
    return render(request, "targets/task_list.html", context, status=status)


@login_required
def task_export(request):
    """The filtered tasks as a workbook (事项编号, 事项名称, 责任单位, 应办结日期, 状态, 逾期工作日)."""
    filterset = _task_filterset(request)
    tasks = filterset.qs if filterset.is_valid() else Task.objects.none()
    buffer = io.BytesIO()
    write_task_report(buffer, user=request.user, as_of=filterset.as_of(), tasks=tasks)
    return attachment(buffer.getvalue(), filename=f"tasks-{dt.date.today().isoformat()}.xlsx", content_type=XLSX)


def _task(request, pk: int) -> Task:
    return get_object_or_404(selectors.scoped_tasks(request.user).select_related("zone"), pk=pk)


@login_required
def task_detail(request, pk: int):
    """A task: source, units, deadline (and the original one), light, its steps and extensions, and the forms of
    its next step and of an extension."""
    task = _task(request, pk)
    context = {
        "task": task,
        "row": selectors.task_light(task, as_of=dt.date.today()),
        "steps": task.steps.prefetch_related("attachments"),
        "extensions": task.extensions.all(),
        "can_edit": (task.zone_id is None and can_edit_zone(request.user, None))
        or (task.zone_id is not None and can_edit_zone(request.user, task.zone_id)),
        "advance_form": AdvanceTaskForm(task=task) if FLOW[Task.State(task.state)] else None,
        "extend_form": ExtendTaskForm() if task.state != Task.State.CLOSED else None,
        "milestones": selectors.milestone_rows(task, as_of=dt.date.today()),
        "milestone_form": MilestoneForm() if task.state != Task.State.CLOSED else None,
        "done_form": MilestoneDoneForm(),
    }
    return render(request, "targets/task_detail.html", context)


def _task_write(request, task: Task, form, write, done: str):
    """Run a write of the task page's small forms; its problems become messages; back to the task."""
    if form.is_valid():
        try:
            with transaction.atomic():
                write(form.cleaned_data)
            messages.success(request, done)
        except ValidationError as error:
            messages.error(request, _message_of(error))
        except PermissionDenied as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("请填写完整。"))
    return redirect("targets:task-detail", task.pk)


@login_required
@require_POST
def milestone_add(request, pk: int):
    task = _task(request, pk)
    form = MilestoneForm(request.POST)
    return _task_write(
        request, task, form, lambda data: add_milestone(task=task, user=request.user, **data), _("已添加节点。")
    )


@login_required
@require_POST
def milestone_done(request, pk: int):
    milestone = get_object_or_404(TaskMilestone.objects.restrict(request.user).select_related("task"), pk=pk)
    form = MilestoneDoneForm(request.POST)
    return _task_write(
        request,
        milestone.task,
        form,
        lambda data: complete_milestone(milestone=milestone, user=request.user, **data),
        _("已记录节点完成。"),
    )


@login_required
def task_attachment(request, pk: int):
    """A report back's file, to the users who see the task's zone (city-level tasks: the city's users)."""
    item = get_object_or_404(TaskAttachment.objects.restrict(request.user).select_related("step__task"), pk=pk)
    if item.step.task.zone_id is None and not can_see_zone(request.user, None):
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=item.name)


@login_required
def task_notice(request, pk: int):
    """The task's supervision notice (督办单), one page of docx."""
    task = _task(request, pk)
    content = write_supervision_notice(task, as_of=dt.date.today())
    return attachment(content, filename=f"notice-{task.code}.docx", content_type=DOCX)


@login_required
@require_POST
def task_advance(request, pk: int):
    task = _task(request, pk)
    form = AdvanceTaskForm(request.POST, request.FILES, task=task)
    return _task_write(
        request, task, form, lambda data: advance_task(task=task, user=request.user, **data), _("已办理。")
    )


@login_required
@require_POST
def task_extend(request, pk: int):
    task = _task(request, pk)
    form = ExtendTaskForm(request.POST)
    return _task_write(
        request,
        task,
        form,
        lambda data: extend_task(task=task, on=dt.date.today(), user=request.user, **data),
        _("已延期。"),
    )


@login_required
def task_bulletin(request):
    """The bulletin (通报) for a period: by lead unit, the tasks overdue at its end and those closed late in it."""
    today = dt.date.today()
    start = to_date(request.GET.get("start") or today.replace(day=1))
    end = to_date(request.GET.get("end") or today)
    valid = start is not None and end is not None and start <= end
    if not valid:
        start, end = today.replace(day=1), today
    units = selectors.bulletin(user=request.user, start=start, end=end) if valid else []
    context = {"start": start, "end": end, "units": units, "valid": valid}
    return render(request, "targets/task_bulletin.html", context, status=200 if valid else 400)
