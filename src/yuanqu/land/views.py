"""Pages of the land app: the parcel list, a parcel's page with its map, the edit form, the land ledger with
its xlsx export, and the land rules."""

import io
import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from yuanqu.core.access import can_edit_zone, is_city_admin
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import edit_page, object_history
from yuanqu.land import ledger, maps, selectors, tiles
from yuanqu.land.forms import (
    BaseMapForm,
    LandRulesForm,
    LedgerFilterForm,
    MapSearchForm,
    ParcelFilterForm,
    ParcelForm,
    StatusLayerForm,
    plot_ratio_formset,
)
from yuanqu.land.models import BaseMap, Parcel
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
    classified = ledger.land_statuses(user=request.user, as_of=as_of, zone_ids=[zone.pk] if zone else None)
    buffer = io.BytesIO()
    ledger.write_ledger(buffer, classified, as_of=as_of)
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
    status, suffix = form.cleaned_data["status"], form.cleaned_data["format"]
    features = ledger.status_features(
        user=request.user, as_of=as_of, zone_ids=[zone.pk] if zone else None, status=status
    )
    name = f"yuanqu-land-status-{status or 'all'}-{as_of.isoformat()}.{suffix}"
    with tempfile.TemporaryDirectory() as folder:
        path = ledger.write_status_layer(Path(folder) / name, features)
        data = path.read_bytes()
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name)


@login_required
def land_rules(request):
    """The land rules in force, one field per threshold and a table of plot-ratio lines per industry division;
    a city administrator edits them (checked by the rules before saving), everyone else reads them."""
    can_edit = is_city_admin(request.user)
    rules = ledger.current_rules().to_dict()
    current = json.dumps(rules, ensure_ascii=False, indent=2)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = LandRulesForm(request.POST, rules=rules)
        formset = plot_ratio_formset(request.POST, rules=rules)
        if form.is_valid() and formset.is_valid():
            try:
                ledger.save_rules(rules=form.rules(formset.plot_ratios()), user=request.user)
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


def _json_errors(form) -> JsonResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})


def _tile_template(query: dict) -> str | None:
    """The URL template of the parcel vector tiles with the page's query (the page makes it absolute: MapLibre
    fetches tiles from a worker, where a relative URL means nothing), or None before the tiles exist."""
    try:
        path = reverse("land:map-tile", args=[0, 0, 0])
    except NoReverseMatch:
        return None
    return path.replace("/0/0/0.", "/{z}/{x}/{y}.") + ("?" + urlencode(query) if query else "")


@login_required
def land_map(request):
    """The one map (一张图): zone boundaries, parcels (vector tiles) coloured by land status, grade or project
    stage, enterprises and projects as points, over no base map unless an administrator configured one."""
    form = LedgerFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "land/map.html", {"form": form}, status=400)
    base_map = maps.active_base_map()
    shift = maps.shift_for(base_map)
    zone = form.cleaned_data["zone"]
    zone_query = {"zone": zone.pk} if zone is not None else {}
    query = {"as_of": form.cleaned_data["as_of"].isoformat(), **zone_query}
    tile_query = {**query, **({"shift": "gcj02"} if shift else {})}

    def url(name: str, params: dict) -> str:
        return reverse(name) + ("?" + urlencode(params) if params else "")

    legends = map_legends()
    config = {
        "tiles_url": _tile_template(tile_query),
        "tiles_minzoom": tiles.MIN_ZOOM,
        "data_url": url("land:map-geojson", query),
        "zones_url": url("land:map-zones", zone_query),
        "enterprises_url": url("land:map-enterprises", query),
        "projects_url": url("land:map-projects", zone_query),
        "search_url": url("land:map-search", zone_query),
        "parcel_url": reverse("land:parcel-detail", args=[0]).replace("/0/", "/{id}/"),
        "enterprise_url": reverse("enterprises:enterprise-detail", args=[0]).replace("/0/", "/{id}/"),
        "project_url": reverse("projects:project-detail", args=[0]).replace("/0/", "/{id}/"),
        "base_map": maps.base_map_source(base_map),
        "bounds": maps.parcel_extent(user=request.user, zone_ids=[zone.pk] if zone is not None else None, shift=shift),
        "zone_bounds": maps.zone_extents(
            user=request.user, zone_ids=[zone.pk] if zone is not None else None, shift=shift
        ),
        "legends": legends,
        "text": {
            "no_match": _("没有找到匹配的地块或企业。"),
            "not_on_map": _("该企业没有带图形的地块，地图上无法定位。"),
            "open_parcel": _("查看地块"),
            "open_enterprise": _("查看企业"),
            "open_project": _("查看项目"),
            "enterprise": _("企业"),
            "project": _("项目"),
            "grade": _("亩均评价等级"),
            "stage": _("阶段"),
            "status": _("土地状态"),
            "none": _("无"),
            "unmapped_projects": _("未关联带图形地块的项目：{n} 个（不在地图上）"),
            "zoom_in": _("放大以查看地块"),
            "title": _("一张图"),
            "as_of": _("认定日期"),
        },
        "as_of": query["as_of"],
    }
    context = {
        "form": form,
        "legends": legends,
        "map_config": config,
        "base_map": base_map,
        "can_configure": is_city_admin(request.user),
    }
    return render(request, "land/map.html", context)


def map_legends() -> dict:
    """The legend of each way of colouring the parcels: value, label and colour, "" (none) last."""
    from yuanqu.evaluation.models import GRADES
    from yuanqu.projects.models import Stage

    none = _("无")
    return {
        "status": [
            {"value": s, "label": ledger.status_label(s), "colour": colour}
            for s, colour in ledger.STATUS_COLOURS.items()
        ],
        "grade": [
            *({"value": g, "label": g, "colour": maps.GRADE_COLOURS[g]} for g in GRADES),
            {"value": "", "label": _("未评价"), "colour": maps.NO_VALUE_COLOUR},
        ],
        "stage": [
            *({"value": s, "label": str(label), "colour": maps.STAGE_COLOURS[s]} for s, label in Stage.choices),
            {"value": "", "label": none, "colour": maps.NO_VALUE_COLOUR},
        ],
    }


def _map_layer(request, build) -> JsonResponse:
    """One GeoJSON layer of the map, restricted to the user's zones (a zone of another user is a 400) and
    shifted for display when the base map is GCJ-02. ``build(user, zone_ids, as_of, shift)`` makes it."""
    form = LedgerFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return _json_errors(form)
    zone = form.cleaned_data["zone"]
    zone_ids = [zone.pk] if zone is not None else None
    shift = maps.shift_for(maps.active_base_map())
    collection = build(request.user, zone_ids, form.cleaned_data["as_of"], shift)
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})


@login_required
def land_map_geojson(request):
    """The parcels as GeoJSON with their status."""
    return _map_layer(
        request,
        lambda user, zone_ids, as_of, shift: maps.shifted_collection(
            ledger.status_geojson(user=user, as_of=as_of, zone_ids=zone_ids), shift=shift
        ),
    )


@login_required
def land_map_zones(request):
    """The map's zone and sub-park boundaries as GeoJSON."""
    return _map_layer(
        request,
        lambda user, zone_ids, as_of, shift: maps.shifted_collection(
            ledger.zone_geojson(user=user, zone_ids=zone_ids), shift=shift
        ),
    )


@login_required
def land_map_enterprises(request):
    """The map's enterprise points (centroid of each enterprise's largest parcel)."""
    return _map_layer(
        request,
        lambda user, zone_ids, as_of, shift: maps.enterprise_geojson(
            user=user, zone_ids=zone_ids, shift=shift, as_of=as_of
        ),
    )


@login_required
def land_map_projects(request):
    """The map's project points (centroid of each project's parcel)."""
    return _map_layer(
        request,
        lambda user, zone_ids, as_of, shift: maps.project_geojson(user=user, zone_ids=zone_ids, shift=shift),
    )


@login_required
def land_map_search(request):
    """The map's search: parcels by code, enterprises by name or USCC, at most ten, with where they are."""
    form = MapSearchForm(request.GET, user=request.user)
    if not form.is_valid():
        return _json_errors(form)
    zone = form.cleaned_data["zone"]
    results = maps.search(
        user=request.user,
        term=form.cleaned_data["q"],
        zone_ids=[zone.pk] if zone is not None else None,
        shift=maps.shift_for(maps.active_base_map()),
    )
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


@login_required
def base_map_list(request):
    """The configured base maps (city administrators): which one is in force, none meaning offline."""
    if not is_city_admin(request.user):
        raise PermissionDenied
    return render(request, "land/base_map_list.html", {"base_maps": BaseMap.objects.order_by("name")})


@login_required
def base_map_edit(request, pk: int | None = None):
    """Add or change a base map (city administrators); saved through ``maps.save_base_map``."""
    if not is_city_admin(request.user):
        raise PermissionDenied
    base_map = get_object_or_404(BaseMap, pk=pk) if pk is not None else BaseMap()
    form = BaseMapForm(request.POST if request.method == "POST" else None, instance=base_map)

    def save(valid):
        valid.instance.active = valid.cleaned_data["active"]
        return maps.save_base_map(base_map=valid.instance, user=request.user)

    return edit_page(
        request,
        form=form,
        save=save,
        template="land/base_map_form.html",
        success_url=lambda saved: reverse("land:base-maps"),
        context={"title": str(base_map) if pk is not None else _("添加底图")},
    )


@login_required
def land_map_tile(request, z: int, x: int, y: int):
    """One vector tile (MVT) of the map's parcel layer, restricted to the user's zones; 204 when it holds
    no parcel, 400 with a bilingual text for a tile or parameter that does not exist."""
    form = LedgerFilterForm(request.GET, user=request.user)
    problems = []
    if not form.is_valid():
        if "zone" in form.errors:
            value = request.GET.get("zone", "")
            problems.append(f"园区 {value} 不存在或无权查看 / zone {value} does not exist or is not one of yours")
        if "as_of" in form.errors:
            value = request.GET.get("as_of", "")
            problems.append(f"日期 {value} 无效，应为 YYYY-MM-DD / date {value} is invalid, expected YYYY-MM-DD")
    shift = request.GET.get("shift") or None
    if shift is not None and shift not in tiles.SHIFTS:
        problems.append(f"不支持的坐标偏移 {shift}，仅支持 gcj02 / shift {shift} is not supported, only gcj02")
    spec = None
    if not problems:
        zone = form.cleaned_data["zone"]
        try:
            spec = tiles.TileSpec.for_user(
                user=request.user,
                z=z,
                x=x,
                y=y,
                as_of=form.cleaned_data["as_of"],
                zone_id=zone.pk if zone is not None else None,
                shift=shift,
            )
        except tiles.mvt.TileError as exc:
            problems.append(str(exc))
    if spec is None:
        return HttpResponse("\n".join(problems), status=400, content_type="text/plain; charset=utf-8")
    # Weak: the same tile goes out gzip-compressed or not, as the client accepts.
    etag = 'W/"' + spec.key.rsplit(":tile:", 1)[1] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        accepts_gzip = ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None
        data, gzipped = tiles.parcel_tile(user=request.user, spec=spec, gzipped=accepts_gzip)
        response = HttpResponse(data, status=200 if data else 204, content_type=tiles.CONTENT_TYPE)
        if gzipped:
            response["Content-Encoding"] = "gzip"
    # The browser asks again each time (the data may have changed) and gets a 304 while it has not.
    response["Cache-Control"] = "private, no-cache"
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(\.0*)?\s*(,|$))")
"""An Accept-Encoding header that takes gzip (not with q=0)."""
