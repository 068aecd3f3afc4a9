"""Pages of the one map (一张图): the map with the layers the apps registered, its GeoJSON layers, parcel vector
tiles and search, and the base maps (city administrators)."""

import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from yuanqu.core.access import is_city_admin
from yuanqu.core.views import edit_page
from yuanqu.land.selectors import zone_geojson
from yuanqu.land.status import status_geojson
from yuanqu.maps import selectors, tiles
from yuanqu.maps.basemaps import base_map_source, shift_for, shifted_collection, tile_origin
from yuanqu.maps.forms import BaseMapForm, MapFilterForm, MapSearchForm
from yuanqu.maps.models import BaseMap
from yuanqu.maps.services import save_base_map


def _json_errors(form) -> JsonResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})


def _with_query(path: str, query: dict) -> str:
    return path + ("?" + urlencode(query) if query else "")


def _tile_template(query: dict) -> str:
    """The URL template of the parcel vector tiles with the page's query (the page makes it absolute: MapLibre
    fetches tiles from a worker, where a relative URL means nothing)."""
    path = reverse("maps:map-tile", args=[0, 0, 0])
    return _with_query(path.replace("/0/0/0.", "/{z}/{x}/{y}."), query)


@login_required
def map_page(request):
    """The one map: zone boundaries and parcels (vector tiles) coloured as the registered colourings offer, the
    registered points layers, over no base map unless an administrator configured one."""
    form = MapFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "maps/map.html", {"form": form}, status=400)
    base_map = selectors.active_base_map()
    shift = shift_for(base_map)
    zone = form.cleaned_data["zone"]
    zone_ids = [zone.pk] if zone is not None else None
    zone_query = {"zone": zone.pk} if zone is not None else {}
    query = {"as_of": form.cleaned_data["as_of"].isoformat(), **zone_query}
    tile_query = {**query, **({"shift": "gcj02"} if shift else {})}
    legends = selectors.legends()
    config = {
        "tiles_url": _tile_template(tile_query),
        "tiles_minzoom": tiles.MIN_ZOOM,
        "data_url": _with_query(reverse("maps:map-geojson"), query),
        "zones_url": _with_query(reverse("maps:map-zones"), zone_query),
        "search_url": _with_query(reverse("maps:map-search"), zone_query),
        "parcel_url": reverse("land:parcel-detail", args=[0]).replace("/0/", "/{id}/"),
        "base_map": base_map_source(base_map),
        "bounds": selectors.parcel_extent(user=request.user, zone_ids=zone_ids, shift=shift),
        "zone_bounds": selectors.zone_extents(user=request.user, zone_ids=zone_ids, shift=shift),
        "legends": legends,
        **selectors.layer_config(layer_url=lambda key: _with_query(reverse("maps:map-layer", args=[key]), query)),
        "text": {
            "no_match": _("没有找到匹配的地块或企业。"),
            "not_on_map": _("该企业没有带图形的地块，地图上无法定位。"),
            "open_parcel": _("查看地块"),
            "zoom_in": _("放大以查看地块"),
            "title": _("一张图"),
            "as_of": _("认定日期"),
        },
        "as_of": query["as_of"],
    }
    colourings = selectors.colourings()
    context = {
        "form": form,
        "colourings": colourings,
        "point_layers": selectors.point_layers(),
        "legend": legends[colourings[0].key] if colourings else [],
        "map_config": config,
        "base_map": base_map,
        "can_configure": is_city_admin(request.user),
    }
    response = render(request, "maps/map.html", context)
    origin = tile_origin(base_map)
    if origin:
        # MapLibre fetches the base map's tiles from the host an administrator configured: the page's
        # Content-Security-Policy (django-csp) lets this one host in, for images and fetches.
        response._csp_update = {"img-src": [origin], "connect-src": [origin]}
    return response


def _layer(request, build) -> JsonResponse:
    """One GeoJSON layer of the map, restricted to the user's zones (a zone of another user is a 400) and drawn
    as the base map needs it. ``build(user, zone_ids, as_of, shift)`` makes it."""
    form = MapFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return _json_errors(form)
    zone = form.cleaned_data["zone"]
    zone_ids = [zone.pk] if zone is not None else None
    shift = shift_for(selectors.active_base_map())
    collection = build(request.user, zone_ids, form.cleaned_data["as_of"], shift)
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})


@login_required
def parcels_geojson(request):
    """The parcels as GeoJSON with their status (the map without vector tiles)."""
    return _layer(
        request,
        lambda user, zone_ids, as_of, shift: shifted_collection(
            status_geojson(user=user, as_of=as_of, zone_ids=zone_ids), shift=shift
        ),
    )


@login_required
def zones_geojson(request):
    """The map's zone and sub-park boundaries as GeoJSON."""
    return _layer(
        request,
        lambda user, zone_ids, as_of, shift: shifted_collection(
            zone_geojson(user=user, zone_ids=zone_ids), shift=shift
        ),
    )


@login_required
def layer_geojson(request, key: str):
    """A registered points layer (enterprises, projects, …) as GeoJSON; 404 for a key no app registered."""
    if key not in {layer.key for layer in selectors.point_layers() if layer.geojson is not None}:
        raise Http404(f"没有这个图层：{key} / no such layer: {key}")
    return _layer(
        request,
        lambda user, zone_ids, as_of, shift: selectors.point_layer(
            key=key, user=user, zone_ids=zone_ids, as_of=as_of, shift=shift
        ),
    )


@login_required
def search(request):
    """The map's search: parcels by code, enterprises by name or USCC, at most ten, with where they are."""
    form = MapSearchForm(request.GET, user=request.user)
    if not form.is_valid():
        return _json_errors(form)
    zone = form.cleaned_data["zone"]
    results = selectors.search(
        user=request.user,
        term=form.cleaned_data["q"],
        zone_ids=[zone.pk] if zone is not None else None,
        shift=shift_for(selectors.active_base_map()),
    )
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


@login_required
def base_map_list(request):
    """The configured base maps (city administrators): which one is in force, none meaning offline."""
    if not is_city_admin(request.user):
        raise PermissionDenied
    return render(request, "maps/base_map_list.html", {"base_maps": BaseMap.objects.order_by("name")})


@login_required
def base_map_edit(request, pk: int | None = None):
    """Add or change a base map (city administrators); saved through ``save_base_map``."""
    if not is_city_admin(request.user):
        raise PermissionDenied
    base_map = get_object_or_404(BaseMap, pk=pk) if pk is not None else BaseMap()
    form = BaseMapForm(request.POST if request.method == "POST" else None, instance=base_map)

    def save(valid):
        valid.instance.active = valid.cleaned_data["active"]
        return save_base_map(base_map=valid.instance, user=request.user)

    return edit_page(
        request,
        form=form,
        save=save,
        template="maps/base_map_form.html",
        success_url=lambda saved: reverse("maps:base-maps"),
        context={"title": str(base_map) if pk is not None else _("添加底图")},
    )


@login_required
def tile(request, z: int, x: int, y: int):
    """One vector tile (MVT) of the map's parcel layer, restricted to the user's zones; 204 when it holds
    no parcel, 400 with a bilingual text for a tile or parameter that does not exist."""
    form = MapFilterForm(request.GET, user=request.user)
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
