"""Pages of per-mu evaluation: runs, their results and distribution, an enterprise's result, a new run."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.analytics.mujun import preset_names, preset_text
from yuanqu.core.access import can_edit, editable_zone_ids, is_city_admin, visible_zone_ids
from yuanqu.core.charts import NoCJKFont
from yuanqu.core.params import to_id
from yuanqu.core.views import attachment
from yuanqu.evaluation import selectors
from yuanqu.evaluation.exporting import write_public_list
from yuanqu.evaluation.filtersets import EvaluationResultFilterSet
from yuanqu.evaluation.forms import MethodForm, NewRunForm
from yuanqu.evaluation.jobs import runs_as_job, submit_run
from yuanqu.evaluation.models import GRADES, EvaluationMethod, EvaluationResult, EvaluationRun, method_problems
from yuanqu.evaluation.report import write_report
from yuanqu.evaluation.services import (
    indicator_rows,
    preset_method,
    preview_method,
    publish_run,
    run_evaluation,
    save_method,
    visible_grade_counts,
)
from yuanqu.zones.models import Zone

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _run(request, pk: int) -> EvaluationRun:
    return get_object_or_404(EvaluationRun.objects.restrict(request.user).select_related("zone"), pk=pk)


@login_required
def run_list(request):
    runs = Paginator(EvaluationRun.objects.restrict(request.user).select_related("zone"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for run in runs.object_list:
        counts = visible_grade_counts(run=run, user=request.user)
        run.visible_counts = [counts[g] for g in GRADES]
        run.visible_total = sum(counts.values())
    context = {"page": runs, "grades": GRADES, "can_run": can_edit(request.user)}
    return render(request, "evaluation/run_list.html", context)


@login_required
def run_detail(request, pk: int):
    run = _run(request, pk)
    zones = selectors.run_zones(run=run, user=request.user)
    groups = selectors.run_groups(run=run, user=request.user)
    data = request.GET.copy()
    data["sort"] = data.get("sort") or "rank"
    if "group" not in data and (first := selectors.first_graded_group(run=run, user=request.user, groups=groups)):
        data["group"] = first  # the list opens on the first graded group, as it is published; "—" shows all
    filterset = EvaluationResultFilterSet(
        data,
        queryset=selectors.run_results(run=run, user=request.user),
        request=request,
        zone_choices=[(z.pk, z.name) for z in zones],
        zone_refusal=_("不是本次评价中您可查看的园区"),
    )
    form = filterset.form
    form.fields["group"].widget = forms.Select(choices=[("", "—"), *groups])
    status = 200
    if filterset.is_valid():
        results = filterset.qs
    else:
        results, status = EvaluationResult.objects.none(), 400
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = visible_grade_counts(run=run, user=request.user)
    context = {
        "run": run,
        "form": form,
        "page": page,
        "counts": [(g, counts[g]) for g in GRADES] + [(_("未评价"), counts[""])],
        "can_publish": is_city_admin(request.user) and not run.is_published,
        "query": request.GET.urlencode(),
    }
    return render(request, "evaluation/run_detail.html", context, status=status)


@login_required
def run_distribution(request, pk: int):
    run = _run(request, pk)
    table = selectors.distribution(run=run, user=request.user)
    chart = {
        "zones": [row["zone"] for row in table],
        "series": [{"name": g, "data": [row["counts"][i] for row in table]} for i, g in enumerate(GRADES)],
    }
    context = {"run": run, "table": table, "grades": GRADES, "chart": chart}
    return render(request, "evaluation/run_distribution.html", context)


def _run_download(request, pk: int, write, *, name: str, suffix: str, content_type: str) -> HttpResponse:
    """The run written by ``write(target, run=, user=)`` as the user sees it, as ``NAME-YEAR-PK.SUFFIX`` to save."""
    run = _run(request, pk)
    buffer = io.BytesIO()
    try:
        write(buffer, run=run, user=request.user)
    except NoCJKFont as error:  # a server without a Chinese font: say so rather than fail with a 500
        return render(request, "503.html", {"message": str(error)}, status=503)
    return attachment(buffer.getvalue(), filename=f"{name}-{run.year}-{run.pk}{suffix}", content_type=content_type)


@login_required
def run_export(request, pk: int):
    return _run_download(request, pk, write_public_list, name="public-list", suffix=".xlsx", content_type=XLSX)


@login_required
def run_report(request, pk: int):
    return _run_download(request, pk, write_report, name="report", suffix=".docx", content_type=DOCX)


@login_required
@require_POST
def run_publish(request, pk: int):
    run = _run(request, pk)
    try:
        publish_run(run=run, user=request.user)
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("评价结果已公布并锁定"))
    return redirect("evaluation:run-detail", pk=run.pk)


@login_required
def result_detail(request, pk: int):
    result = get_object_or_404(
        EvaluationResult.objects.restrict(request.user)
        .filter(run__in=EvaluationRun.objects.restrict(request.user))
        .select_related("run", "enterprise", "zone"),
        pk=pk,
    )
    context = {
        "result": result,
        "history": selectors.enterprise_history(enterprise=result.enterprise, user=request.user),
        "indicators": indicator_rows(result),
        "explanation": result.explanation_en if request.LANGUAGE_CODE == "en" else result.explanation_zh,
    }
    return render(request, "evaluation/result_detail.html", context)


@login_required
def run_new(request):
    if not can_edit(request.user):
        raise PermissionDenied
    ids = editable_zone_ids(request.user)
    zones = Zone.objects.order_by("name") if ids is None else Zone.objects.filter(pk__in=ids).order_by("name")
    methods = EvaluationMethod.objects.restrict(request.user)
    form = NewRunForm(
        request.POST or None,
        request.FILES or None,
        zones=zones,
        methods=methods,
        initial={"method": request.GET.get("method")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            zone_ids = [data["zone"]] if data.get("zone") else None
            try:
                if data.get("method"):
                    method = methods.filter(pk=data["method"]).first()
                    if method is None:
                        raise ValidationError(_("评价方法不存在"))
                elif data.get("method_text") is not None:
                    method = save_method(
                        name=data["method_file"].name,
                        text=data["method_text"],
                        format=data["method_format"],
                        user=request.user,
                    )
                else:
                    method = preset_method(name=data["preset"], user=request.user)
                if runs_as_job(user=request.user, zone_ids=zone_ids):
                    job = submit_run(method=method, year=data["year"], user=request.user, zone_ids=zone_ids)
                    return redirect("jobs:job-detail", pk=job.pk)
                run = run_evaluation(method=method, year=data["year"], user=request.user, zone_ids=zone_ids)
            except ValidationError as error:
                form.add_error(None, "\n".join(error.messages))
            else:
                messages.success(request, _("评价已完成"))
                return redirect("evaluation:run-detail", pk=run.pk)
        status = 400
    return render(request, "evaluation/run_new.html", {"form": form}, status=status)


@login_required
def run_zones(request, pk: int):
    run = _run(request, pk)
    return render(
        request,
        "evaluation/run_zones.html",
        {"run": run, "table": selectors.zone_comparison(run=run, user=request.user)},
    )


@login_required
def migration(request):
    runs = list(EvaluationRun.objects.restrict(request.user).order_by("year", "pk"))
    by_pk = {run.pk: run for run in runs}
    earlier = by_pk.get(_int(request.GET.get("from")))
    later = by_pk.get(_int(request.GET.get("to")))
    status = 200
    if (request.GET.get("from") and earlier is None) or (request.GET.get("to") and later is None):
        status = 400  # a run that does not exist or the user may not see: say so, show nothing
    matrix = None
    if earlier is not None and later is not None:
        matrix = selectors.migration_matrix(earlier=earlier, later=later, user=request.user)
    context = {"runs": runs, "earlier": earlier, "later": later, "matrix": matrix}
    return render(request, "evaluation/migration.html", context, status=status)


def _int(text) -> int | None:
    return to_id(text)


# ---------------------------------------------------------------------------------------------------
# Methods: list, view, and the editor with validation and a preview that stores nothing

BLANK_METHOD = """name = "新评价方法"
year = 2025
weight_total = 100

[[groups]]
id = "above_scale"
label_zh = "规上企业"
label_en = "Above-scale enterprises"
scope = "above_scale"

[[groups.indicators]]
key = "tax_per_mu"
label_zh = "亩均税收"
label_en = "Tax per mu"
formula = "tax / land_mu"
unit = "万元/亩"
unit_en = "10k yuan/mu"
weight = 100
on_missing = "exclude"
benchmark = { kind = "group_mean" }

[grading]
mode = "quota"
grades = ["A", "B", "C", "D"]
quota = { A = 20, B = 40, C = 35, D = 5 }
"""


@login_required
def method_list(request):
    methods = list(EvaluationMethod.objects.restrict(request.user).select_related("created_by"))
    # Runs counted among those the user may see: another zone's runs are not even counted.
    counts = dict(
        EvaluationRun.objects.restrict(request.user)
        .filter(method__isnull=False)
        .values("method")
        .annotate(n=Count("pk"))
        .values_list("method", "n")
    )
    for method in methods:
        method.runs = counts.get(method.pk, 0)
    context = {"methods": methods, "presets": preset_names(), "can_edit": can_edit(request.user)}
    return render(request, "evaluation/method_list.html", context)


@login_required
def method_detail(request, pk: int):
    method = get_object_or_404(EvaluationMethod.objects.restrict(request.user).select_related("created_by"), pk=pk)
    runs = EvaluationRun.objects.restrict(request.user).filter(method=method).select_related("zone")
    context = {"method": method, "runs": runs, "can_edit": can_edit(request.user)}
    return render(request, "evaluation/method_detail.html", context)


def _preview_zones(user):
    ids = visible_zone_ids(user)
    return Zone.objects.order_by("name") if ids is None else Zone.objects.filter(pk__in=ids).order_by("name")


@login_required
def method_edit(request, pk: int | None = None):
    """New method (blank or from a preset) or an edit of one; saving always stores a new method.

    A stored method is never changed: runs keep the text they used, and an edit saved here becomes a
    new method (same name by default) next to the old one. "校验" and "预览" post the same form with
    ``action=validate`` / ``action=preview`` and store nothing (htmx swaps in only the result block).
    """
    if not can_edit(request.user):
        raise PermissionDenied
    original = None
    if pk is not None:
        original = get_object_or_404(EvaluationMethod.objects.restrict(request.user), pk=pk)
    zones = _preview_zones(request.user)
    if request.method == "POST":
        form = MethodForm(request.POST, zones=zones)
    else:
        initial = {"format": "toml", "text": BLANK_METHOD, "name": _("新评价方法")}
        preset = request.GET.get("preset", "")
        if original is not None:
            initial = {"name": original.name, "format": original.format, "text": original.text}
        elif preset in preset_names():
            initial = {"name": preset, "format": "toml", "text": preset_text(preset)}
        form = MethodForm(initial=initial, zones=zones)
    action = request.POST.get("action", "save")
    context = {"form": form, "original": original, "presets": preset_names(), "action": action}
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
            context["checked"] = True
            context["problems"] = [
                f"{form.fields[name].label if name in form.fields else ''}：{error}".lstrip("：")
                for name, errors in form.errors.items()
                for error in errors
            ]
        elif action == "validate":
            problems = method_problems(form.cleaned_data["text"], form.cleaned_data["format"])
            context["problems"] = problems.splitlines() if problems else []
            context["checked"] = True
            status = 400 if problems else 200
        elif action == "preview":
            status = _preview(request, form, context)
        else:
            data = form.cleaned_data
            try:
                method = save_method(name=data["name"], text=data["text"], format=data["format"], user=request.user)
            except ValidationError as error:
                context["problems"] = [line for message in error.messages for line in message.splitlines()]
                context["checked"] = True
                status = 400
            else:
                messages.success(request, _("评价方法已保存"))
                return redirect("evaluation:method-detail", pk=method.pk)
        if request.headers.get("HX-Request") and action in ("validate", "preview"):
            # 200 even for problems: htmx swaps in only successful responses, and the block says what is wrong.
            return render(request, "evaluation/_method_check.html", context)
    return render(request, "evaluation/method_edit.html", context, status=status)


def _preview(request, form, context) -> int:
    data = form.cleaned_data
    if not data.get("year"):
        form.add_error("year", _("预览须选择年度"))
        context["problems"] = [_("预览须选择年度")]
        context["checked"] = True
        return 400
    try:
        context["preview"] = preview_method(
            text=data["text"], format=data["format"], year=data["year"], user=request.user, zone_id=data.get("zone")
        )
    except ValidationError as error:
        context["problems"] = [line for message in error.messages for line in message.splitlines()]
        context["checked"] = True
        return 400
    context["grades"] = GRADES
    context["english"] = request.LANGUAGE_CODE == "en"
    return 200
