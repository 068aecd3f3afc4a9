"""The platform's own deployment checks, run by `yuanqu check --deploy` beside Django's."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def development_secret_key(app_configs, **kwargs):
    """The development secret key is public; Django's own check does not know it (it is long and varied)."""
    if getattr(settings, "DEVELOPMENT_SECRET_KEY", None) != settings.SECRET_KEY:
        return []
    return [
        Error(
            "开发密钥正在使用 / the development secret key is in use",
            hint="请把 YUANQU_SECRET_KEY 设为一个长随机值 / set YUANQU_SECRET_KEY to a long random value",
            id="yuanqu.E001",
        )
    ]
