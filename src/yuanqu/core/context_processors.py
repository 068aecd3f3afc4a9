"""The navigation shell: a place for every capability in DESIGN.md."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import can_manage_users

# (code, label, url name if built, the issue that builds it)
CAPABILITIES = [
    ("C1", _("一张图"), "land:map"),
    ("C2", _("项目全生命周期"), "projects:project-list"),
    ("C3", _("履约"), None),
    ("C4", _("亩均评价"), "evaluation:run-list"),
    ("C5", _("土地起底"), "land:ledger"),
    ("C6", _("园区综合评价"), "zones:zone-list"),
    ("C7", _("目标责任与督办"), None),
    ("C8", _("产业链图谱"), None),
    ("C9", _("企业服务"), "enterprises:enterprise-list"),
    ("C10", _("准入"), None),
    ("C11", _("驾驶舱与报表"), "home"),
]


def _url(name: str | None, code: str) -> str:
    if name:
        try:
            return reverse(name)
        except NoReverseMatch:
            pass
    return reverse("capability", args=[code])


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_capabilities": [
            {"code": code, "label": label, "url": _url(name, code), "ready": name is not None}
            for code, label, name in CAPABILITIES
        ],
        "nav_can_manage_users": can_manage_users(user),
    }
