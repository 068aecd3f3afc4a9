"""`yuanqu serve`: serve the web application with waitress (static files through WhiteNoise).

A production-grade threaded WSGI server, without runserver's autoreloader: what a zone's intranet
machine runs, and what `yuanqu demo` ends with.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
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


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach the address (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_secret_key(host: str) -> None:
    """Refuse to serve beyond this machine with the development secret key, which is public: anyone could forge
    a session cookie, and so sign in as anyone."""
    if is_loopback(host) or settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY:
        return
    raise CommandError(
        f"拒绝在 {host} 上用开发密钥提供服务：开发密钥是公开的，任何人都能伪造登录。请把环境变量 YUANQU_SECRET_KEY 设为"
        '一个长随机值（例如 python -c "import secrets; print(secrets.token_urlsafe(50))" 的输出），每次启动保持不变；'
        "或只在本机地址 127.0.0.1 上提供服务。 / "
        f"refusing to serve on {host} with the development secret key: it is public, so anyone could forge a "
        "login. Set the environment variable YUANQU_SECRET_KEY to a long random value (e.g. the output of "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"), the same at every start; or serve on '
        "127.0.0.1 only."
    )


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
        check_secret_key(host)
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
        if not is_loopback(host):
            self.stdout.write("  other hosts must be listed in YUANQU_ALLOWED_HOSTS to be served")
        try:
            waitress.serve(application, host=host, port=port, threads=threads, ident="yuanqu")
        except OSError as exc:
            raise CommandError(f"无法监听 {host}:{port}：{exc} / cannot listen on {host}:{port}: {exc}") from None
        except KeyboardInterrupt:
            self.stdout.write("stopped")
