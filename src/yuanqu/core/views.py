"""Shared pages: the home dashboard and the placeholder of a capability still being built."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from yuanqu.core.context_processors import CAPABILITIES


@login_required
def home(request):
    return render(request, "core/home.html", {})


@login_required
def capability(request, code: str):
    for cap_code, label, _name in CAPABILITIES:
        if cap_code == code:
            return render(request, "core/capability.html", {"code": code, "label": label})
    raise Http404(code)
