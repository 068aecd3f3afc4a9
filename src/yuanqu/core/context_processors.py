"""The menus of every page: the entries the installed apps registered (yuanqu.core.registry.navigation) that the
user may use."""

from django.urls import NoReverseMatch, reverse

from yuanqu.core.registry import navigation as registered


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menus: dict[str, list[dict]] = {"main": [], "side": []}
    for item in registered:
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app whose pages are not in the URL map
            continue
        current = request.path == url or (url != "/" and request.path.startswith(url))
        menus.setdefault(item.menu, []).append({"key": item.key, "label": item.label, "url": url, "current": current})
    return {"nav_main": menus["main"], "nav_side": menus["side"]}
