"""Pages of the land app: the parcel list, a parcel's page with its map, and the edit form."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from yuanqu.core.access import can_edit_zone
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import edit_page, object_history
from yuanqu.land import selectors
from yuanqu.land.forms import ParcelFilterForm, ParcelForm
from yuanqu.land.models import Parcel
from yuanqu.land.services import save_parcel

PAGE_SIZE = 50


@login_required
def parcel_list(request):
    form = ParcelFilterForm(request.GET, user=request.user)
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
    }
    return render(request, "land/parcel_detail.html", context)


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
