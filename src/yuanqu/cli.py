"""The `yuanqu` command: Django's management commands with yuanqu's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a yuanqu command (`yuanqu demo`, `yuanqu import parcels FILE`, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "yuanqu"
    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        # Most often a command run before `yuanqu init` (or against the wrong YUANQU_DATABASE_URL): say
        # so in one line instead of a traceback.
        from django.db import connection

        where = connection.settings_dict.get("NAME")
        sys.stderr.write(
            f"数据库错误：{exc}。数据库（{where}）可能尚未初始化：请先运行 yuanqu init，"
            f"或检查 YUANQU_DATABASE_URL / YUANQU_DATA_DIR。\n"
            f"database error: {exc}. The database ({where}) may not be set up yet: run `yuanqu init` first, "
            f"or check YUANQU_DATABASE_URL / YUANQU_DATA_DIR.\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
