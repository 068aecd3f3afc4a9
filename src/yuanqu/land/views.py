"""Pages of the land app: the parcel list, a parcel's page with its map, the edit form, the land ledger with
its xlsx export, and the land rules."""

import io
import json
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yuanqu.core.access import can_edit_zone, is_city_admin
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import edit_page, object_history
from yuanqu.land import exporting, selectors, status
from yuanqu.land.filtersets import ParcelFilterSet
from yuanqu.land.forms import (
    LandRulesForm,
    LedgerFilterForm,
    ParcelForm,
    StatusLayerForm,
    plot_ratio_formset,
)
from yuanqu.land.models import Parcel
from yuanqu.land.services import save_parcel, save_rules

PAGE_SIZE = 50


@login_required
def parcel_list(request):
    filterset = ParcelFilterSet(
        request.GET,
        queryset=Parcel.objects.restrict(request.user),
        request=request,
        zone_choices=user_zone_choices(request.user),
    )
    if filterset.is_valid():
        # The order of the unique (zone, code) index, so a page needs no sort.
        parcels, code = filterset.qs.order_by("zone_id", "code"), 200
    else:
        # Another zone's id or a made-up value: say so and show nothing.
        parcels, code = Parcel.objects.none(), 400
    page = Paginator(parcels.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.parcel_rows(user=request.user, ids=list(page.object_list))
    # Each parcel's land status as of the filter's date (today by default), classified for this page only.
    as_of = filterset.status_date if filterset.is_valid() else timezone.localdate()
    if page.object_list:
        frame = status.parcel_frame(user=request.user, as_of=as_of, parcel_ids=[p.pk for p in page.object_list])
        classified = status.land_statuses(user=request.user, as_of=as_of, frame=frame)
        found = dict(zip(classified["parcel_id"].to_list(), classified["status"].to_list(), strict=True))
        for parcel in page.object_list:
            parcel.land_status = found.get(parcel.pk, "")
            parcel.land_status_label = status.status_label(parcel.land_status) if parcel.land_status else ""
    context = {"form": filterset.form, "page": page, "status_as_of": as_of}
    return render(request, "land/parcel_list.html", context, status=code)


@login_required
def parcel_detail(request, pk: int):
    parcel = get_object_or_404(Parcel.objects.restrict(request.user).select_related("zone"), pk=pk)
    context = {
        "parcel": parcel,
        "users": selectors.parcel_users(parcel=parcel, user=request.user),
        "geojson": selectors.parcel_geojson(parcel),
        "can_edit": can_edit_zone(request.user, parcel.zone_id),
        "history": object_history(request.user, parcel),
        "land_status": _status_context(parcel, request.user),
    }
    return render(request, "land/parcel_detail.html", context)


def _status_context(parcel, user) -> dict:
    as_of = timezone.localdate()
    row = status.parcel_status(parcel=parcel, user=user, as_of=as_of)
    if not row:
        return {}
    return {
        "as_of": as_of,
        "status": row["status"],
        "label": status.status_label(row["status"]),
        "reason": status.status_reason(row),
        "since": row["status_since"],
        "idle_fee_line": row["idle_fee_line"],
        "idle_fee": row["idle_fee"],
        "recovery_line": row["recovery_line"],
    }


@login_required
def land_ledger(request):
    """Area in mu by status for the user's zones (or one zone with its sub-parks), the parcels behind each
    figure, and the mu revitalised and newly idle per year."""
    form = LedgerFilterForm(request.GET, user=request.user)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "land/ledger.html", context, status=400)
    zone, as_of = form.cleaned_data["zone"], form.cleaned_data["as_of"]
    zone_ids = [zone.pk] if zone is not None else None
    summary = status.ledger_summary(user=request.user, as_of=as_of, zone_ids=zone_ids)
    totals, changes = summary["totals"], summary["changes"]
    query = {"as_of": as_of.isoformat(), **({"zone": zone.pk} if zone is not None else {})}
    context |= {
        "as_of": as_of,
        "zone": zone,
        "totals": totals,
        "total_parcels": sum(t["parcels"] for t in totals),
        "total_mu": sum(t["area_mu"] for t in totals),
        "by_zone": summary["by_zone"],
        "zone_table": status.zone_status_table(summary["by_zone"], totals),
        "changes": changes,
        "query": query,
        "layer_form": StatusLayerForm(user=request.user, english=(translation.get_language() or "").startswith("en")),
        "chart": {
            "labels": [t["label"] for t in totals],
            "area_mu": [t["area_mu"] for t in totals],
            "years": [c["year"] for c in changes],
            "revitalised_mu": [c["revitalised_mu"] for c in changes],
            "newly_idle_mu": [c["newly_idle_mu"] for c in changes],
            "series": [_("面积（亩）"), _("盘活面积（亩）"), _("新增闲置面积（亩）")],
        },
    }
    return render(request, "land/ledger.html", context)


@login_required
def land_ledger_export(request):
    """The ledger of the page's zone and date as an xlsx file, restricted to the user's zones."""
    form = LedgerFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "land/ledger.html", {"form": form}, status=400)
    zone, as_of = form.cleaned_data["zone"], form.cleaned_data["as_of"]
    classified = status.land_statuses(user=request.user, as_of=as_of, zone_ids=[zone.pk] if zone else None)
    buffer = io.BytesIO()
    exporting.write_ledger(buffer, classified, as_of=as_of)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"yuanqu-land-ledger-{as_of.isoformat()}.xlsx")


@login_required
def land_status_layer(request):
    """The parcels of the page's zone and date, of one status or all, as a GeoPackage or GeoJSON layer with
    each parcel's status, reason and since-date; restricted to the user's zones."""
    english = (translation.get_language() or "").startswith("en")
    form = StatusLayerForm(request.GET, user=request.user, english=english)
    if not form.is_valid():
        return render(request, "land/ledger.html", {"form": form}, status=400)
    zone, as_of = form.cleaned_data["zone"], form.cleaned_data["as_of"]
    chosen, suffix = form.cleaned_data["status"], form.cleaned_data["format"]
    features = exporting.status_features(
        user=request.user, as_of=as_of, zone_ids=[zone.pk] if zone else None, status=chosen
    )
    name = f"yuanqu-land-status-{chosen or 'all'}-{as_of.isoformat()}.{suffix}"
    with tempfile.TemporaryDirectory() as folder:
        path = exporting.write_status_layer(Path(folder) / name, features)
        data = path.read_bytes()
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name)


@login_required
def land_rules(request):
    """The land rules in force, one field per threshold and a table of plot-ratio lines per industry division;
    a city administrator edits them (checked by the rules before saving), everyone else reads them."""
    can_edit = is_city_admin(request.user)
    rules = status.current_rules().to_dict()
    current = json.dumps(rules, ensure_ascii=False, indent=2)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = LandRulesForm(request.POST, rules=rules)
        formset = plot_ratio_formset(request.POST, rules=rules)
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    save_rules(rules=form.rules(formset.plot_ratios()), user=request.user)
            except ValidationError as exc:
                form.add_rule_problems(exc.messages, formset)
            else:
                messages.success(request, _("已保存。"))
                return redirect("land:rules")
    else:
        form = LandRulesForm(rules=rules, disabled=not can_edit)
        formset = plot_ratio_formset(rules=rules, disabled=not can_edit)
    context = {"form": form, "formset": formset, "can_edit": can_edit, "current": current}
    return render(request, "land/rules.html", context)


@login_required
def parcel_edit(request, pk: int):
    parcel = get_object_or_404(Parcel.objects.restrict(request.user), pk=pk)
    check_can_edit(user=request.user, obj=parcel)
    title = str(parcel)
    form = ParcelForm(request.POST if request.method == "POST" else None, instance=parcel, user=request.user)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_parcel(parcel=f.instance, user=request.user),
        template="land/parcel_form.html",
        success_url=lambda saved: reverse("land:parcel-detail", args=[saved.pk]),
        context={"title": title, "cancel_url": reverse("land:parcel-detail", args=[pk])},
    )
