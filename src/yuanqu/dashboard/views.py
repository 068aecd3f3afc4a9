"""The home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yuanqu.dashboard import selectors


@login_required
def home(request):
    context = {"board": selectors.overview(user=request.user), "page_panels": selectors.cards(request)}
    return render(request, "dashboard/home.html", context)
