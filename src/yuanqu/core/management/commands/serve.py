"""`yuanqu serve`: serve the web application (static files through WhiteNoise), and run the jobs beside it.

A production-grade WSGI server, without runserver's autoreloader: what a zone's intranet machine runs, and what
`yuanqu demo` ends with. One process with threads (waitress) by default; `--workers N` serves with N processes
(gunicorn, on Linux and other Unixes; waitress, one process, where gunicorn cannot run). On the database job
queue (no YUANQU_REDIS_URL) it also starts a job worker (`yuanqu worker`) as a child process, unless
`--no-jobs`; with Redis, workers run apart (`yuanqu worker`, see docs/deployment.md).
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.lazy import load_now
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
        parser.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")
        parser.add_argument(
            "--workers", type=int, default=1, help="web processes (default 1; more than 1 needs gunicorn: Linux/Unix)"
        )
        parser.add_argument(
            "--no-jobs", action="store_true", help="start no job worker beside the server (they run elsewhere)"
        )

    def handle(self, *args, addr: str, threads: int, workers: int = 1, no_jobs: bool = False, **options):
        load_now()  # the libraries the command line defers (yuanqu.cli), before any thread may race to load them
        host, port = parse_addr(addr)
        check_secret_key(host)
        if threads < 1:
            raise CommandError("线程数至少为 1 / --threads must be at least 1")
        if workers < 1:
            raise CommandError("进程数至少为 1 / --workers must be at least 1")
        if pending_migrations():
            raise CommandError(
                "数据库尚未初始化或需要升级，请先运行 yuanqu init / the database needs `yuanqu init` first"
            )
        server = "gunicorn" if workers > 1 and gunicorn_available() else "waitress"
        if workers > 1 and server == "waitress":
            self.stderr.write("gunicorn cannot run here (it needs a Unix): serving with one waitress process")
            workers = 1
        job_worker = None if no_jobs or getattr(settings, "YUANQU_REDIS_URL", "") else start_job_worker()
        shape = f"{workers} processes × {threads} threads" if server == "gunicorn" else f"{threads} threads"
        jobs = "; jobs: a worker beside it" if job_worker else ""
        self.stdout.write(f"yuanqu: serving at {url_of(host, port)} ({server}, {shape}{jobs}; Ctrl-C stops)")
        if not is_loopback(host):
            self.stdout.write("  other hosts must be listed in YUANQU_ALLOWED_HOSTS to be served")
        self.stdout.flush()
        parent = os.getpid()  # gunicorn's workers are forks of this process and leave through this frame too
        try:
            if server == "gunicorn":
                serve_gunicorn(host=host, port=port, workers=workers, threads=threads)
            else:
                serve_waitress(host=host, port=port, threads=threads)
        except OSError as exc:
            raise CommandError(f"无法监听 {host}:{port}：{exc} / cannot listen on {host}:{port}: {exc}") from None
        except (KeyboardInterrupt, SystemExit):
            if os.getpid() != parent:
                raise
            self.stdout.write("stopped")
        finally:
            if job_worker is not None and os.getpid() == parent:
                stop_job_worker(job_worker)


def gunicorn_available() -> bool:
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def serve_waitress(*, host: str, port: int, threads: int) -> None:
    import signal

    import waitress

    # A service manager stops the server with SIGTERM: end as on Ctrl-C, so the job worker stops with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    from django.core.servers.basehttp import get_internal_wsgi_application

    waitress.serve(get_internal_wsgi_application(), host=host, port=port, threads=threads, ident="yuanqu")


def serve_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve with gunicorn's pre-forking arbiter: ``workers`` processes of ``threads`` threads each."""
    from django.core.servers.basehttp import get_internal_wsgi_application
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    application = get_internal_wsgi_application()
    connections.close_all()  # each forked process opens its own

    class Server(BaseApplication):
        def load_config(self):
            bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            for key, value in {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "proc_name": "yuanqu",
                "timeout": 120,
                "graceful_timeout": 20,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()


def start_job_worker() -> subprocess.Popen | None:
    """Run `yuanqu worker` (the database queue) as a child process, which stops with the server."""
    command = [sys.executable, "-m", "yuanqu.cli", "worker"]
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL)
    except OSError:
        sys.stderr.write("cannot start the job worker: jobs wait in the queue until `yuanqu worker` runs\n")
        return None


def stop_job_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
