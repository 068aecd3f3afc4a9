"""`yuanqu chains coverage --chain NAME [--year Y] [--zone CODE] [--user NAME] --out FILE.xlsx`: which local firms
fill each link of a chain, how strongly, and the gaps, as a workbook.

`yuanqu chains presets [--zone CODE ...] [--only KEY ...]`: load the chains shipped with the platform (power
batteries, new-energy vehicles, biomedicine, power transmission equipment, new materials, logistics) for zones.

`yuanqu chains list`: the shipped presets."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yuanqu.chains.models import Chain
from yuanqu.chains.presets import PRESETS, load_preset
from yuanqu.chains.reports import write_coverage
from yuanqu.chains.selectors import chain_coverage
from yuanqu.core.changelog import acting
from yuanqu.core.management.users import output_option, user_option, year_option, zone_option
from yuanqu.core.progress import summary


class Command(BaseCommand):
    help = "产业链图谱 / industry chains: `chains coverage --chain NAME --out FILE.xlsx`, `chains presets --zone CODE`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cover = sub.add_parser(
            "coverage", help="各环节的本地企业、缺链和薄弱环节 / firms, gaps and weak links per link"
        )
        cover.add_argument("--chain", required=True, help="产业链名称 / name of the chain")
        cover.add_argument("--year", help="年度 / year of the figures (default: the latest)")
        cover.add_argument("--zone", help="只看该园区（代码或名称）及其下级园区 / only this zone, with its sub-parks")
        cover.add_argument("--user", help="only what this user may see")
        cover.add_argument("--out", required=True, help="target .xlsx file")
        presets = sub.add_parser("presets", help="载入预设产业链 / load the shipped chains")
        presets.add_argument(
            "--zone", action="append", default=[], help="服务的园区（代码或名称），可重复 / zone served; repeatable"
        )
        presets.add_argument("--only", action="append", default=[], help="只载入该预设 / only this preset; repeatable")
        presets.add_argument("--user", help="act as this user")
        sub.add_parser("list", help="列出预设 / list the presets")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def list(self, **options):
        for item in PRESETS:
            self.stdout.write(f"{item.key}\t{item.name}")

    def coverage(self, *, chain, year, zone, user, out, **options):
        path = output_option(out, ".xlsx")
        acting_user = user_option(user)
        queryset = Chain.objects.all() if acting_user is None else Chain.objects.restrict(acting_user)
        found = queryset.filter(name=chain.strip()).first()
        if found is None:
            raise CommandError(f"没有这条产业链：{chain} / no such chain: {chain}")
        zone_ids = [zone_option(zone, acting_user).pk] if zone else None
        result = chain_coverage(found, user=acting_user, zone_ids=zone_ids, year=year_option(year) if year else None)
        count = write_coverage(path, result)
        summary(
            f"已写入 {count} 个环节到 {path.name}（缺链 {len(result.gaps)} 个，薄弱 {len(result.weak)} 个） / wrote "
            f"{count} links to {path.name} ({len(result.gaps)} gaps, {len(result.weak)} weak)",
            stream=self.stdout,
        )

    def presets(self, *, zone, only, user, **options):
        acting_user = user_option(user)
        if not zone:
            raise CommandError("请用 --zone 指定服务的园区 / name the zones served with --zone")
        zones = [zone_option(key, acting_user) for key in zone]
        known = {item.key: item for item in PRESETS}
        unknown = [key for key in only if key not in known]
        if unknown:
            raise CommandError(
                f"未知的预设：{'、'.join(unknown)}，可选：{'、'.join(known)} / unknown preset: {', '.join(unknown)}"
            )
        chosen = [known[key] for key in only] if only else list(PRESETS)
        with acting(source="cli", user=acting_user):
            for item in chosen:
                try:
                    chain = load_preset(item, zones=zones, user=acting_user)
                except ValueError as exc:
                    raise CommandError(str(exc)) from None
                self.stdout.write(f"{chain.name}: {chain.nodes.count()} 个环节 / links")
        summary(f"已载入 {len(chosen)} 条产业链 / loaded {len(chosen)} chains", stream=self.stdout)
