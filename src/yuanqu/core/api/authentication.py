"""API token authentication that stops answering an address which keeps sending wrong tokens."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from yuanqu.core.api.throttling import TokenFailureThrottle


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``Authorization: Token …``; each wrong token counts against the sending address
    (``TokenFailureThrottle``), and an address that has used up its failures is answered 429 before its token is
    even looked at, so guessing tokens stops after a handful of tries."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        throttle = TokenFailureThrottle()
        if throttle.blocked(request):
            raise exceptions.Throttled(wait=throttle.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
