"""One signed-in Chromium page for the browser tests, recording what must never happen on a page: a script error,
a console error, a request leaving the site."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from yuanqu.accounts.testing import PASSWORD
from yuanqu.site.tests.browser.conftest import CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Page


@contextmanager
def signed_in_page(
    live_server,
    chromium_path: str,
    username: str,
    password: str = PASSWORD,
    *,
    viewport: tuple[int, int] = (1280, 900),
    browser_args: Sequence[str] = (),
    also_local: Sequence[str] = (),
    allow: Sequence[str] = ("favicon.ico",),
    **context_options,
) -> Iterator[tuple[Page, list[str]]]:
    """Launch Chromium, log in through /login/ and yield the page and the list of problems seen so far.

    ``also_local``: URL prefixes besides the live server's that requests may go to (``blob:``, ``data:``);
    ``context_options`` go to ``browser.new_context`` (``accept_downloads=True``). When the block ends without an
    exception the browser is closed and there must be no problem but those containing a text of ``allow`` (by
    default Chromium's own request for /favicon.ico: the pages declare their icon elsewhere).
    """
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    local = (live_server.url, *also_local)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=[*CHROMIUM_ARGS, *browser_args], headless=True
        )
        try:
            width, height = viewport
            context = browser.new_context(
                locale="zh-CN", viewport={"width": width, "height": height}, **context_options
            )
            page = context.new_page()
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            page.on(
                "console",
                lambda m: problems.append(f"console: {m.text} {m.location}") if m.type == "error" else None,
            )
            page.on(
                "request",
                lambda r: problems.append(f"outside request: {r.url}") if not r.url.startswith(local) else None,
            )
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            yield page, problems
        finally:
            browser.close()
    unexpected = [p for p in problems if not any(allowed in p for allowed in allow)]
    assert unexpected == [], unexpected
