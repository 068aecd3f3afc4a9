"""How often a client may call the API, and who the client is: the address behind the configured proxies.

The rates live in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and are read when a request comes (DRF reads them
once, at import), so a deployment's or a test's settings apply. Request counts are kept in the "rates" cache, wrong
tokens in the "security" cache: with ``YUANQU_REDIS_URL`` both are on Redis, which every machine shares; without it,
the rates are one process's and the wrong tokens those of one machine's processes.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from rest_framework import throttling

security_log = logging.getLogger("yuanqu.security")


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with ``YUANQU_PROXY_COUNT`` proxies in front, the entry of
    X-Forwarded-For they vouch for. One rule for the login lockout (django-axes) and the API's throttles."""
    return throttling.BaseThrottle().get_ident(request) or ""


def _rate(scope: str) -> str | None:
    return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)


class _Counted:
    @property
    def cache(self):
        from django.core.cache import caches

        return caches["rates"]

    def get_rate(self):
        return _rate(self.scope)


class AnonRateThrottle(_Counted, throttling.AnonRateThrottle):
    """Requests without an account, per address."""


class UserRateThrottle(_Counted, throttling.UserRateThrottle):
    """Requests of a signed-in account (per address without one)."""


class TokenFailureThrottle(throttling.SimpleRateThrottle):
    """Wrong API tokens, per address: after the allowed number within the period, that address is refused (429)
    whatever token it sends, until the oldest failure has aged out of the period."""

    scope = "token_failure"

    @property
    def cache(self):
        # Shared by the web processes of a machine (settings.CACHES["security"]), not one process's memory.
        from django.core.cache import caches

        return caches["security"]

    def get_rate(self):
        return _rate(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def _load(self, request) -> str:
        self.key = self.get_cache_key(request)
        self.now = time.time()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return self.key

    def blocked(self, request) -> bool:
        """Whether this address has used up its failures."""
        if self.rate is None:
            return False
        self._load(request)
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        """Count one more wrong token from this address; log when it has now used them up."""
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
        if len(self.history) == self.num_requests:
            security_log.warning(
                "API tokens: %s wrong tokens from %s; refused for %s s",
                self.num_requests,
                client_address(request),
                self.duration,
            )
