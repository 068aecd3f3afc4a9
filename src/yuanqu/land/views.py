"""Pages of the land app: the parcel list, a parcel's page with its map, the edit form, the land ledger with
its xlsx export, and the land rules."""

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yuanqu.core.access import can_edit_zone
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import edit_page, object_history
from yuanqu.land import ledger, selectors
from yuanqu.land.forms import LandRulesForm, LedgerFilterForm, ParcelFilterForm, ParcelForm
from yuanqu.land.models import Parcel
from yuanqu.land.services import save_parcel

PAGE_SIZE = 50


@login_required
def parcel_list(request):
    english = (translation.get_language() or "").startswith("en")
    form = ParcelFilterForm(request.GET, user=request.user, english=english)
    if form.is_valid():
        parcels, status = selectors.parcel_list(user=request.user, **form.cleaned_data), 200
    else:
        # Another zone's id or a made-up value: say so and show nothing.
        parcels, status = Parcel.objects.none(), 400
    page = Paginator(parcels.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.parcel_rows(user=request.user, ids=list(page.object_list))
    return render(request, "land/parcel_list.html", {"form": form, "page": page}, status=status)


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
    row = ledger.parcel_status(parcel=parcel, user=user, as_of=as_of)
    if not row:
        return {}
    return {
        "as_of": as_of,
        "status": row["status"],
        "label": ledger.status_label(row["status"]),
        "reason": ledger.status_reason(row),
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
    classified = ledger.land_statuses(user=request.user, as_of=as_of, zone_ids=zone_ids)
    totals = ledger.totals_table(classified)
    changes = ledger.changes_by_year(user=request.user, as_of=as_of, zone_ids=zone_ids)
    query = {"as_of": as_of.isoformat(), **({"zone": zone.pk} if zone is not None else {})}
    by_zone = []
    if classified.height:
        for row in ledger.status_totals(classified, by=["zone", "status"]).iter_rows(named=True):
            by_zone.append({**row, "label": ledger.status_label(row["status"])})
    context |= {
        "as_of": as_of,
        "zone": zone,
        "totals": totals,
        "total_parcels": sum(t["parcels"] for t in totals),
        "total_mu": sum(t["area_mu"] for t in totals),
        "by_zone": by_zone,
        "changes": changes,
        "query": query,
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
    classified = ledger.land_statuses(user=request.user, as_of=as_of, zone_ids=[zone.pk] if zone else None)
    buffer = io.BytesIO()
    ledger.write_ledger(buffer, classified, as_of=as_of)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"yuanqu-land-ledger-{as_of.isoformat()}.xlsx")


@login_required
def land_rules(request):
    """The land rules in force; a city administrator edits them (checked by the rules before saving)."""
    can_edit = ledger.can_edit_rules(request.user)
    current = json.dumps(ledger.current_rules().to_dict(), ensure_ascii=False, indent=2)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = LandRulesForm(request.POST)
        if form.is_valid():
            try:
                ledger.save_rules(rules=form.cleaned_data["rules"], user=request.user)
            except ValidationError as exc:
                form.add_error("rules", exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("land:rules")
    else:
        form = LandRulesForm(initial={"rules": current})
    return render(request, "land/rules.html", {"form": form, "can_edit": can_edit, "current": current})


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


@login_required
def land_map(request):
    """The one map (一张图): the user's parcels coloured by land status over no base map, with a legend, a zone
    filter, a search by parcel code and a popup linking to each parcel's page."""
    form = LedgerFilterForm(request.GET, user=request.user)
    status = 200 if form.is_valid() else 400
    legend = [
        {"status": s, "label": ledger.status_label(s), "colour": colour} for s, colour in ledger.STATUS_COLOURS.items()
    ]
    data_url, zones_url = reverse("land:map-geojson"), reverse("land:map-zones")
    if form.is_valid():
        query = {"as_of": form.cleaned_data["as_of"].isoformat()}
        if form.cleaned_data["zone"] is not None:
            query["zone"] = form.cleaned_data["zone"].pk
            zones_url += f"?zone={query['zone']}"
        data_url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    config = {
        "data_url": data_url,
        "zones_url": zones_url,
        "legend": legend,
        "no_match": _("没有找到该地块。"),
        "open": _("查看地块"),
    }
    return render(request, "land/map.html", {"form": form, "legend": legend, "map_config": config}, status=status)


@login_required
def land_map_geojson(request):
    """The map's parcel layer as GeoJSON, restricted to the user's zones (a zone of another user is a 400)."""
    form = LedgerFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    zone = form.cleaned_data["zone"]
    collection = ledger.status_geojson(
        user=request.user, as_of=form.cleaned_data["as_of"], zone_ids=[zone.pk] if zone is not None else None
    )
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})


@login_required
def land_map_zones(request):
    """The map's zone and sub-park boundaries as GeoJSON, restricted to the user's zones."""
    form = LedgerFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    zone = form.cleaned_data["zone"]
    collection = ledger.zone_geojson(user=request.user, zone_ids=[zone.pk] if zone is not None else None)
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
