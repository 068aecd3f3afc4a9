"""`yuanqu demo`: initialise the database, build the demo city 云溪市 if it is empty, print how to log in
and serve it (unless --no-serve)."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yuanqu.accounts.demo import DEMO_PASSWORD, create_demo_users
from yuanqu.core.management.commands.serve import DEFAULT_ADDR, check_secret_key, parse_addr, url_of
from yuanqu.core.progress import Progress, summary
from yuanqu.demo.builder import build_demo_city, default_parcels
from yuanqu.zones.models import Zone

DEMO_ZONE_CODE, DEMO_ZONE_NAME = "G321061", "云溪经济技术开发区"


class Command(BaseCommand):
    help = "构建并运行演示城市 / build the demo city and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="build the demo city, do not serve it")
        parser.add_argument("--seed", type=int, default=20241, help="random seed; the same seed gives the same city")
        parser.add_argument("--enterprises", type=int, default=None, help="number of enterprises (default 2,000)")
        parser.add_argument(
            "--parcels", type=int, default=None, help="number of parcels (default 1.5 per enterprise: 3,000)"
        )
        parser.add_argument(
            "--projects", type=int, default=None, help="investment projects (default 1 per 7 enterprises, 30 to 600)"
        )
        parser.add_argument("--years", type=int, default=5, help="years of figures per enterprise (default 5)")
        parser.add_argument(
            "--last-year",
            type=int,
            default=None,
            help="the latest year of figures; the city is then dated 30 June of the next year (default: last year, "
            "and the city is dated today, so that its deadlines and alerts look like a working day's)",
        )
        parser.add_argument("--reset", action="store_true", help="wipe ALL data (users included) and rebuild")
        parser.add_argument("--no-log", action="store_true", help="skip change-log entries for the bulk writes")
        parser.add_argument("--addr", default=DEFAULT_ADDR, help=f"HOST:PORT to serve at (default {DEFAULT_ADDR})")

    def handle(self, *args, **options):
        host, port = parse_addr(options["addr"])
        if not options["no_serve"]:
            check_secret_key(host)  # before the minutes of building, not after
        enterprises = options["enterprises"] if options["enterprises"] is not None else 2000
        parcels = options["parcels"] if options["parcels"] is not None else default_parcels(enterprises)
        years, last_year, as_of = options["years"], options["last_year"], None
        if last_year is None:  # built relative to the day it is made
            as_of = timezone.localdate()
            last_year = as_of.year - 1
        for name, value in (("--enterprises", enterprises), ("--parcels", parcels), ("--years", years)):
            if value < 1:
                raise CommandError(f"{name} 必须为正整数 / {name} must be a positive number, not {value}")
        if options["projects"] is not None and options["projects"] < 0:
            raise CommandError(f"--projects 不能为负数 / --projects cannot be negative, not {options['projects']}")
        if not 1950 + years <= last_year <= 2100:
            raise CommandError(f"--last-year {last_year} 不合理 / --last-year {last_year} is out of range")

        started = time.monotonic()
        call_command("init", stdout=self.stdout, stderr=self.stderr)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("reset: every table emptied")

        if Zone.objects.exists():
            if not Zone.objects.filter(code=DEMO_ZONE_CODE, name=DEMO_ZONE_NAME).exists():
                # Never touch the users of a real database (the demo would reset "admin"'s password).
                raise CommandError(
                    "数据库中已有非演示数据；请为演示另设 YUANQU_DATA_DIR，或用 --reset 清空 / "
                    "the database holds data that is not the demo city; give the demo its own "
                    "YUANQU_DATA_DIR, or wipe everything with --reset"
                )
            users = create_demo_users()
            line = (
                f"demo city: the database already holds {Zone.objects.count():,} zones; kept as it is "
                f"(--reset rebuilds it) in {time.monotonic() - started:.1f} s"
            )
        else:
            self.stdout.write(
                f"building the demo city 云溪市 (seed {options['seed']}): {enterprises:,} enterprises, "
                f"{parcels:,} parcels, {years} years to {last_year}"
            )
            result = build_demo_city(
                seed=options["seed"],
                enterprises=enterprises,
                parcels=parcels,
                years=years,
                last_year=last_year,
                as_of=as_of,
                progress=Progress,
                log=not options["no_log"],
                projects=options["projects"],
            )
            users = result.users
            result.seconds = time.monotonic() - started
            line = result.line()

        self.stdout.write("")
        if options["no_serve"]:  # not served: nowhere to log in yet (`yuanqu serve` says where)
            self.stdout.write(f"演示用户 / demo users  密码 / password: {DEMO_PASSWORD}")
        else:
            self.stdout.write(f"登录 / log in at {url_of(host, port)}  密码 / password: {DEMO_PASSWORD}")
        width = max(len(u.username) for u in users)
        for user in users:
            self.stdout.write(f"  {user.username:<{width}}  {user.role:<12}  {user.role_label}：{user.scope}")
        self.stdout.write("")
        summary(line, stream=self.stdout)

        if not options["no_serve"]:
            call_command("serve", addr=options["addr"], stdout=self.stdout, stderr=self.stderr)
