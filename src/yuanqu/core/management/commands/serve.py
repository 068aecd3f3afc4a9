"""`yuanqu serve`: serve the web application with waitress (static files through WhiteNoise).

A production-grade threaded WSGI server, without runserver's autoreloader: what a zone's intranet
machine runs, and what `yuanqu demo` ends with.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.management.commands.init import pending_migrations

DEFAULT_ADDR = "127.0.0.1:8000"


def parse_addr(addr: str) -> tuple[str, int]:
    """Parse "HOST:PORT", "[::1]:PORT" or "PORT" into (host, port); CommandError for anything else."""
    text = (addr or "").strip()
    host, port_text = "127.0.0.1", text
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
        if not sep or not host:
            port_text = ""
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536 or not host:
        raise CommandError(
            f"地址应为 主机:端口，例如 127.0.0.1:8000，而不是 {addr!r} / "
            f"the address must be HOST:PORT, e.g. 127.0.0.1:8000, not {addr!r}"
        )
    return host, int(port_text)


def url_of(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


class Command(BaseCommand):
    help = "用 waitress 提供网页服务 / serve yuanqu with waitress."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=DEFAULT_ADDR, help=f"HOST:PORT to listen on (default {DEFAULT_ADDR})")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")

    def handle(self, *args, addr: str, threads: int, **options):
        host, port = parse_addr(addr)
        if threads < 1:
            raise CommandError("线程数至少为 1 / --threads must be at least 1")
        if pending_migrations():
            raise CommandError(
                "数据库尚未初始化或需要升级，请先运行 yuanqu init / the database needs `yuanqu init` first"
            )

        import waitress
        from django.core.servers.basehttp import get_internal_wsgi_application

        application = get_internal_wsgi_application()

        self.stdout.write(f"yuanqu: serving at {url_of(host, port)} (waitress, {threads} threads; Ctrl-C stops)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            self.stdout.write("  other hosts must be listed in YUANQU_ALLOWED_HOSTS to be served")
        try:
            waitress.serve(application, host=host, port=port, threads=threads, ident="yuanqu")
        except OSError as exc:
            raise CommandError(f"无法监听 {host}:{port}：{exc} / cannot listen on {host}:{port}: {exc}") from None
        except KeyboardInterrupt:
            self.stdout.write("stopped")
