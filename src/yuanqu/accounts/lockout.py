"""The login lockout (django-axes): its authentication backend, the page a locked-out person sees, and the log.

Settings (``AXES_*`` in ``site/settings.py``) say how many failures lock what for how long.
"""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.shortcuts import render

security_log = logging.getLogger("yuanqu.security")


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every login of a locked-out account or address, before the password is checked.

    A login over HTTP always carries its request (Django's login views, the admin's); one without a request
    comes from inside the process (the test client's ``login``) and is not a guess from outside, so it passes
    to the next backend unchecked instead of failing as django-axes' own backend would."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """The lockout page, in the person's language, answered with HTTP 429 (Too Many Requests)."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    security_log.warning(
        "login locked out: account %r from %s after %s failures (path %s)",
        username,
        ip_address,
        settings.AXES_FAILURE_LIMIT,
        getattr(request, "path", ""),
    )


def connect() -> None:
    """Log every lockout (called from the app's ``ready``)."""
    user_locked_out.connect(log_lockout, dispatch_uid="yuanqu.accounts.lockout")
