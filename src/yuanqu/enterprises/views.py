"""Pages of the enterprises app: the list with its filters, an enterprise's page, and the edit forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yuanqu.core.access import can_edit_zone
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.registry import panel_history, panels_for
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import edit_page, object_history
from yuanqu.enterprises import selectors
from yuanqu.enterprises.filtersets import EnterpriseFilterSet
from yuanqu.enterprises.forms import EnterpriseForm, EnterpriseYearForm
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import save_enterprise, save_enterprise_year

PAGE_SIZE = 50
PAGE = "enterprises.enterprise-detail"
"""The enterprise's page, as other apps name it when they add a panel to it."""


def _partial(request) -> bool:
    """An htmx request for the table alone (a history restore needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


@login_required
def enterprise_list(request):
    years = selectors.years_with_data(user=request.user)
    data = request.GET.copy()
    data["sort"] = data.get("sort") or "name"
    filterset = EnterpriseFilterSet(
        data,
        queryset=Enterprise.objects.restrict(request.user),
        request=request,
        zone_choices=user_zone_choices(request.user),
    )
    filterset.form.fields["year"].widget = forms.Select(choices=[("", _("最新年度")), *((y, y) for y in years)])
    status = 200
    if filterset.is_valid():
        enterprises = filterset.qs
        year = filterset.form.cleaned_data.get("year")
    else:
        # A zone of another user's or a made-up value: say so and show nothing, never guess.
        enterprises, year = Enterprise.objects.none(), None
        status = 200 if _partial(request) else 400
    year = int(year) if year else (years[0] if years else None)
    # Page through ids alone, then load the page's rows: sorting narrow rows keeps deep pages fast.
    page = Paginator(selectors.ordered_ids(enterprises, data["sort"]), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.enterprise_rows(user=request.user, ids=list(page.object_list), year=year)
    context = {"form": filterset.form, "page": page, "year": year, "sort": data["sort"]}
    template = "enterprises/_enterprise_table.html" if _partial(request) else "enterprises/enterprise_list.html"
    return render(request, template, context, status=status)


@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user).select_related("zone"), pk=pk)
    figures = selectors.yearly_figures(enterprise)
    chart = selectors.chart_series(figures)
    chart["labels"] = {"tax": _("实缴税收（万元）"), "tax_per_mu": _("亩均税收（万元/亩）")}
    context = {
        "enterprise": enterprise,
        "figures": figures,
        "figure_rows": selectors.figure_table(figures),
        "chart": chart,
        "page_panels": panels_for(PAGE, enterprise, request),
        "can_edit": can_edit_zone(request.user, enterprise.zone_id),
        "history": object_history(request.user, enterprise, enterprise.years.all(), *panel_history(PAGE, enterprise)),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


def _detail_url(enterprise_id: int) -> str:
    return reverse("enterprises:enterprise-detail", args=[enterprise_id])


@login_required
def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user), pk=pk)
    check_can_edit(user=request.user, obj=enterprise)
    title = str(enterprise)
    form = EnterpriseForm(request.POST if request.method == "POST" else None, instance=enterprise, user=request.user)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_enterprise(
            enterprise=f.instance, user=request.user, industry_code=f.cleaned_data["industry_code"]
        ),
        template="enterprises/enterprise_form.html",
        success_url=lambda saved: _detail_url(saved.pk),
        context={"title": title, "cancel_url": _detail_url(pk)},
    )


def _year_page(request, *, enterprise_year: EnterpriseYear, enterprise: Enterprise):
    check_can_edit(user=request.user, obj=enterprise)
    form = EnterpriseYearForm(request.POST if request.method == "POST" else None, instance=enterprise_year)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_enterprise_year(enterprise_year=f.instance, user=request.user),
        template="enterprises/enterprise_year_form.html",
        success_url=lambda saved: _detail_url(saved.enterprise_id),
        context={"enterprise": enterprise, "cancel_url": _detail_url(enterprise.pk)},
    )


@login_required
def enterprise_year_add(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user), pk=pk)
    return _year_page(request, enterprise_year=EnterpriseYear(enterprise=enterprise), enterprise=enterprise)


@login_required
def enterprise_year_edit(request, pk: int):
    year = get_object_or_404(EnterpriseYear.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    return _year_page(request, enterprise_year=year, enterprise=year.enterprise)
