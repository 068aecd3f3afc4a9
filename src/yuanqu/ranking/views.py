"""Pages of the ranking app: zone evaluation (the runs, a run's ranking per group, a zone's profile, the methods and
their editor), the zones' reported figures (an overview, a zone's years and months) and the peers."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.analytics.zoneranking import GROUP_LABELS, load_preset, preset_names, preset_text
from yuanqu.core.access import can_edit_zone, is_city_admin, sees_all_zones
from yuanqu.core.views import attachment
from yuanqu.ranking import selectors
from yuanqu.ranking.exporting import write_ranking
from yuanqu.ranking.forms import GroupForm, MethodEditor, NewRunForm, Problem, method_initial
from yuanqu.ranking.jobs import runs_as_job, submit_run
from yuanqu.ranking.models import PeerZone, ZoneEvaluationMethod, ZoneEvaluationRun, ZoneMonth, ZoneYear
from yuanqu.ranking.report import write_bulletin
from yuanqu.ranking.services import (
    can_evaluate_zones,
    preset_zone_method,
    run_zone_evaluation,
    save_zone_method,
    set_others_visible,
)
from yuanqu.zones.models import Zone
from yuanqu.zones.selectors import tree_order

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_PRESET = "zones-reference"


@login_required
def figures(request):
    """Every zone the user may see with the latest year and month it reported."""
    zones = tree_order(Zone.objects.restrict(request.user).order_by("code", "name"))
    years = {}
    for zone_id, year in (
        ZoneYear.objects.restrict(request.user).filter(zone__isnull=False).values_list("zone_id", "year")
    ):
        years[zone_id] = max(year, years.get(zone_id, year))
    months = {}
    for zone_id, year, month in ZoneMonth.objects.restrict(request.user).values_list("zone_id", "year", "month"):
        months[zone_id] = max((year, month), months.get(zone_id, (year, month)))
    rows = [
        {"zone": zone, "depth": depth, "year": years.get(zone.pk), "month": months.get(zone.pk)}
        for zone, depth in zones
    ]
    return render(request, "ranking/figures.html", {"rows": rows})


def _year(request, choices: list[int]) -> int | None:
    """The year asked for among those there are (the newest by default); 404 for one that is not there."""
    value = request.GET.get("year", "")
    if not value:
        return choices[0] if choices else None
    if not value.isascii() or not value.isdigit() or int(value) not in choices:
        raise Http404
    return int(value)


@login_required
def zone_figures(request, pk: int):
    """A zone's reported figures: every year with the change on the year before and the platform's own count
    beside it, and January to date of a year against the same months of the year before, with charts."""
    zone = get_object_or_404(Zone.objects.restrict(request.user), pk=pk)
    rows = selectors.zone_years(user=request.user, zone=zone)
    month_years = selectors.month_years(user=request.user, zone=zone)
    year = _year(request, month_years)
    months, month_table = selectors.month_table(user=request.user, zone=zone, year=year) if year else ([], [])
    chart = selectors.chart_series(
        rows=rows,
        months_now=selectors.zone_months(user=request.user, zone=zone, year=year) if year else [],
        months_before=selectors.zone_months(user=request.user, zone=zone, year=year - 1) if year else [],
    )
    context = {
        "zone": zone,
        "years": rows,
        "year_table": selectors.year_table(user=request.user, zone=zone, rows=rows),
        "month_years": month_years,
        "year": year,
        "months": months,
        "month_table": month_table,
        "chart": {**chart, "year": year},
        "flag_share": int(selectors.DIFFERENCE_FLAG * 100),
        "can_edit": can_edit_zone(request.user, zone.pk),
    }
    return render(request, "ranking/zone_figures.html", context)


@login_required
def peers(request):
    """The zones outside the platform and the years of figures imported for each (city users)."""
    if not sees_all_zones(request.user):
        raise Http404
    peers = PeerZone.objects.order_by("city", "name").prefetch_related("years")
    return render(request, "ranking/peers.html", {"peers": peers})


# --- zone evaluation: runs, a run's ranking, a zone's profile ---------------------------------------------------


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _preset_titles() -> list[tuple[str, str]]:
    """Each shipped preset with its title in the language of the request."""
    found = []
    for name in preset_names():
        method = load_preset(name)
        found.append((name, method.title_en if _english() else method.title))
    return found


def _run_form(data=None, *, initial=None) -> NewRunForm:
    return NewRunForm(
        data,
        initial=initial,
        methods=ZoneEvaluationMethod.objects.order_by("-created_at", "-pk"),
        presets=_preset_titles(),
        years=selectors.figure_years(),
    )


@login_required
def run_list(request):
    """The zone-evaluation runs, newest year first, and (for those who may) a form to start one."""
    runs = Paginator(ZoneEvaluationRun.objects.select_related("method", "created_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": runs,
        "form": _run_form(initial={"method": f"preset:{DEFAULT_PRESET}"}) if can_evaluate_zones(request.user) else None,
        "sees_all": sees_all_zones(request.user),
    }
    return render(request, "ranking/run_list.html", context)


@login_required
def run_new(request):
    """Start a run: the method (stored or a preset) on a year's figures, in one transaction; its page follows."""
    if not can_evaluate_zones(request.user):
        raise PermissionDenied
    method = request.GET.get("method", "")
    initial = {"method": f"method:{method}" if method.isdigit() else f"preset:{DEFAULT_PRESET}"}
    form = _run_form(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, chosen = form.chosen()
            try:
                with transaction.atomic():
                    stored = preset_zone_method(name=chosen, user=request.user) if kind == "preset" else chosen
                    if runs_as_job():
                        job = submit_run(method=stored, year=form.cleaned_data["year"], user=request.user)
                        return redirect("jobs:job-detail", pk=job.pk)
                    run = run_zone_evaluation(method=stored, year=form.cleaned_data["year"], user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("园区综合评价已完成"))
                return redirect("ranking:run-detail", pk=run.pk)
        status = 400
    return render(request, "ranking/run_new.html", {"form": form}, status=status)


def _run(pk: int) -> ZoneEvaluationRun:
    # A run is the city's: every signed-in user may open it; what it shows is restricted row by row.
    return get_object_or_404(ZoneEvaluationRun.objects.select_related("method", "created_by"), pk=pk)


@login_required
def run_detail(request, pk: int):
    """A run's ranking: one table per group with rank and change, band, total, category scores, warnings and
    reasons, as far as the user may see them."""
    run = _run(pk)
    method = selectors.run_method(run)
    groups = [(key, _group_name(key)) for key in selectors.run_groups(run=run)]
    form = GroupForm(request.GET or None, groups=groups)
    status = 200
    group = ""
    if form.is_bound and not form.is_valid():
        status = 400
        tables = []
    else:
        group = form.cleaned_data.get("group", "") if form.is_bound else ""
        tables = selectors.ranking_groups(run=run, user=request.user, method=method, group=group)
    context = {
        "run": run,
        "method": method,
        "form": form,
        "tables": tables,
        "sees_all": sees_all_zones(request.user),
        "can_publish": is_city_admin(request.user),
    }
    return render(request, "ranking/run_detail.html", context, status=status)


def _group_name(key: str) -> str:
    zh, en = GROUP_LABELS.get(key, (key, key))
    return capfirst(en) if _english() else zh


def _download(request, pk: int, write, *, name: str, suffix: str, content_type: str) -> HttpResponse:
    """The run written by ``write(target, run=, user=)`` as the user may see it, to save as NAME-YEAR-PK.SUFFIX."""
    run = _run(pk)
    buffer = io.BytesIO()
    write(buffer, run=run, user=request.user)
    return attachment(buffer.getvalue(), filename=f"{name}-{run.year}-{run.pk}{suffix}", content_type=content_type)


@login_required
def run_export(request, pk: int):
    return _download(request, pk, write_ranking, name="zone-ranking", suffix=".xlsx", content_type=XLSX)


@login_required
def run_bulletin(request, pk: int):
    return _download(request, pk, write_bulletin, name="zone-ranking-bulletin", suffix=".docx", content_type=DOCX)


@login_required
@require_POST
def run_visibility(request, pk: int):
    """Open the run's names, totals and ranks to every zone, or close them (city administrators; logged)."""
    run = _run(pk)
    visible = request.POST.get("others_visible") == "1"
    with transaction.atomic():
        set_others_visible(run=run, visible=visible, user=request.user)
    if visible:
        messages.success(request, _("各园区现在可以看到其他园区的名称、总分和排名"))
    else:
        messages.success(request, _("各园区现在只能看到本园区的结果"))
    return redirect("ranking:run-detail", pk=run.pk)


@login_required
def zone_profile(request, pk: int, zone_pk: int):
    """A zone's place in a run: total, rank, band and change; its category scores against the group's average and
    best; each indicator; why its rank changed and what would move it; its rank over the years."""
    run = _run(pk)
    zone = get_object_or_404(Zone.objects.restrict(request.user), pk=zone_pk)
    result = get_object_or_404(selectors.visible_results(user=request.user).filter(run=run, zone=zone))
    if not selectors.sees_details(result=result, user=request.user):
        raise Http404
    method = selectors.run_method(run)
    peer_set = request.GET.get("peers") or "group"
    if not selectors.peer_set_valid(peer_set, run=run, level=result.level):
        raise Http404
    history = selectors.zone_history(zone=zone, user=request.user)
    english = _english()
    profile = selectors.group_profile(run=run, result=result) if result.status == "ranked" else None
    chart = {
        "labels": {
            "zone": zone.name,
            "average": _("组内平均"),
            "best": _("组内最高"),
            "rank": _("排名"),
        },
        "radar": profile
        and {
            "indicators": [{"name": c["en"] if english else c["zh"], "max": c["max"]} for c in profile["categories"]],
            "zone": profile["zone"],
            "average": profile["average"],
            "best": profile["best"],
        },
        "history": {
            "years": [str(item.run.year) for item in reversed(history)],
            "ranks": [item.rank for item in reversed(history)],
            "sizes": [item.group_size for item in reversed(history)],
        },
    }
    context = {
        "run": run,
        "method": method,
        "zone": zone,
        "result": result,
        "indicators": selectors.indicator_lines(method=method, result=result),
        "why": result.details.get("why"),
        "move": selectors.overtake(run=run, result=result, user=request.user),
        "history": history,
        "chart": chart,
        "peer_set": peer_set,
        "peer_sets": selectors.PEER_SETS,
        "peer_cities": [
            (f"{selectors.CITY_PREFIX}{city}", city) for city in selectors.peer_cities(run=run, level=result.level)
        ],
        "peer_lines": selectors.peer_comparison(run=run, method=method, result=result, peers=peer_set),
    }
    return render(request, "ranking/zone_profile.html", context)


# --- methods ----------------------------------------------------------------------------------------------------


@login_required
def method_list(request):
    """The stored methods (each with the runs that used it) and the shipped presets."""
    methods = ZoneEvaluationMethod.objects.select_related("created_by").annotate(runs=Count("zoneevaluationrun"))
    presets = [load_preset(name) for name in preset_names()]
    context = {"methods": methods, "presets": presets, "can_edit": can_evaluate_zones(request.user)}
    return render(request, "ranking/method_list.html", context)


@login_required
def method_detail(request, pk: int):
    """A stored method read from its text: categories and weights, indicators, vetoes, deductions, warnings."""
    stored = get_object_or_404(ZoneEvaluationMethod.objects.select_related("created_by"), pk=pk)
    context = {
        "stored": stored,
        "method": stored.parsed(),
        "text": stored.text,
        "runs": ZoneEvaluationRun.objects.filter(method=stored).select_related("created_by"),
        "can_edit": can_evaluate_zones(request.user),
    }
    return render(request, "ranking/method_detail.html", context)


@login_required
def preset_detail(request, name: str):
    """A shipped preset, as a stored method's page shows it."""
    if name not in preset_names():
        raise Http404
    context = {
        "preset": name,
        "method": load_preset(name),
        "text": preset_text(name),
        "runs": ZoneEvaluationRun.objects.filter(method__preset=name).select_related("created_by"),
        "can_edit": can_evaluate_zones(request.user),
    }
    return render(request, "ranking/method_detail.html", context)


@login_required
def method_edit(request, pk: int | None = None):
    """The method editor, starting from a stored method (copy and edit) or a preset: categories and weights,
    indicators, vetoes, deductions and warnings as tables, the TOML as the advanced view. "校验" checks and shows
    the TOML; saving stores a new method (a stored method never changes)."""
    if not can_evaluate_zones(request.user):
        raise PermissionDenied
    original = get_object_or_404(ZoneEvaluationMethod, pk=pk) if pk is not None else None
    preset = "" if original is not None else request.GET.get("preset", DEFAULT_PRESET)
    if original is None and preset not in preset_names():
        raise Http404
    if original is not None:
        method, text = original.parsed(), original.text
    else:
        method, text = load_preset(preset), preset_text(preset)
    if request.method != "POST":
        editor = MethodEditor(initial=method_initial(method), text=text)
        context = {"editor": editor, "original": original, "preset": preset, "presets": preset_names()}
        return render(request, "ranking/method_edit.html", context)

    editor = MethodEditor(request.POST)
    action = request.POST.get("action", "save")
    built = editor.build(from_text=action == "toml")
    checked = False
    if built.method is not None and action in ("save", "toml"):
        try:
            with transaction.atomic():
                # The method's own name: the text's when it names itself (the advanced view), else the form's.
                stored = save_zone_method(name=built.method.name, text=built.text, user=request.user)
        except ValidationError as error:
            built.problems = [Problem("", "", message, message) for message in error.messages]
        else:
            messages.success(request, _("评价方法已另存为新方法"))
            return redirect("ranking:method-detail", pk=stored.pk)
    elif built.method is not None:
        # Checked, nothing stored: the advanced view shows the method as it would be stored.
        checked = True
        data = request.POST.copy()
        data["toml-text"] = built.text
        editor = MethodEditor(data)
        editor.is_valid()
    english = _english()
    context = {
        "editor": editor,
        "original": original,
        "preset": preset,
        "presets": preset_names(),
        "problems": [problem.text(english) for problem in built.problems],
        "checked": checked,
    }
    return render(request, "ranking/method_edit.html", context, status=200 if checked else 400)
