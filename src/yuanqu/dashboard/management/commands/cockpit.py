"""`yuanqu cockpit warm [--users]`: bring the cockpit's cached figures up to date now (for cron after the night's
imports, or before a leaders' meeting) rather than on the first look after a change.

Without --users it rebuilds the views looked at in the last week whose data changed (what the warm-up job does);
with --users it also builds the current month's cockpit of every active user, in Chinese and English, so that
even a view never looked at opens at once. Both build the sections and draw the cockpit's pages of them.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from yuanqu.core.cockpit import Period
from yuanqu.dashboard import cockpit

LANGUAGES = ("zh-hans", "en")


class Command(BaseCommand):
    help = "驾驶舱 / the cockpit: `cockpit warm [--users]` brings its cached figures up to date"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        warm = sub.add_parser("warm", help="更新驾驶舱缓存 / bring the cockpit's cached figures up to date")
        warm.add_argument(
            "--users",
            action="store_true",
            help="并为每个在用账号生成本月驾驶舱 / also every active user's current month",
        )

    def handle(self, *args, action, users, **options):
        started = time.monotonic()
        done = cockpit.warm()
        today = timezone.localdate()
        built = 0
        if users:
            seen = set()
            for user in get_user_model().objects.filter(is_active=True).order_by("username"):
                scope = cockpit.scope_for(user)
                who = cockpit.scope_key(scope)
                if who in seen or not scope.zones:
                    continue  # users who see the same zones in the same role share their figures
                seen.add(who)
                for language in LANGUAGES:
                    with translation.override(language):
                        cockpit.build_view(scope, Period.current(today))
                built += 1
        self.stdout.write(
            f"驾驶舱：更新 {done} 个近期视图，生成 {built} 个用户范围，用时 {time.monotonic() - started:.1f} 秒 / "
            f"cockpit: {done} recent views brought up to date, {built} user scopes built in "
            f"{time.monotonic() - started:.1f} s"
        )
