"""The `yuanqu` command: Django's management commands with yuanqu's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a yuanqu command (`yuanqu demo`, `yuanqu import parcels FILE`, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "yuanqu"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
