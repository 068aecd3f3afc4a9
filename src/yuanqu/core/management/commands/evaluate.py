"""`yuanqu evaluate KIND …`: the evaluations the installed apps register (per-mu: `mujun`, zones: `zones`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from yuanqu.core.registry import evaluations, resolve


class Command(BaseCommand):
    help = "评价 / evaluate: " + ", ".join(f"{kind.key} ({kind.help})" for kind in evaluations)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind in evaluations:
            resolve(kind.add_arguments)(sub.add_parser(kind.key, help=kind.help))

    def handle(self, *args, kind, **options):
        resolve(evaluations[kind].handle)(self, **options)
