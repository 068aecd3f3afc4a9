"""Production settings: HTTPS switches, the deployment check, the development key refused beyond this machine, and
the security headers every response carries."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

SRC = str(Path(__file__).resolve().parents[3])


def run_yuanqu(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    """`python -m yuanqu.cli ARGS` in a fresh process with only the given YUANQU_* variables set."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("YUANQU_", "DJANGO_"))}
    environment |= {"PYTHONPATH": SRC, "YUANQU_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", *args], env=environment, capture_output=True, text=True, timeout=120
    )


def settings_in(tmp_path, **env) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); print(json.dumps({k: getattr(s, k)"
        " for k in ('SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS',"
        " 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'SECURE_CONTENT_TYPE_NOSNIFF',"
        " 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'AXES_FAILURE_LIMIT')} | {'key': s.SECRET_KEY[:6],"
        " 'NUM_PROXIES': s.REST_FRAMEWORK['NUM_PROXIES']}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("YUANQU_", "DJANGO_"))}
    environment |= {
        "PYTHONPATH": SRC,
        "YUANQU_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "yuanqu.site.settings",
        **env,
    }
    done = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_https_is_off_by_default_and_the_headers_are_on(tmp_path):
    assert settings_in(tmp_path) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "AXES_FAILURE_LIMIT": 10,
        "key": "yuanqu",
        "NUM_PROXIES": 0,
    }


def test_yuanqu_https_turns_on_redirect_secure_cookies_and_hsts_and_a_proxy_is_trusted(tmp_path):
    values = settings_in(
        tmp_path,
        YUANQU_HTTPS="1",
        YUANQU_PROXY_COUNT="1",
        YUANQU_SECRET_KEY="k" * 60,
        YUANQU_LOGIN_FAILURE_LIMIT="5",
    )
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert (values["SECURE_HSTS_SECONDS"], values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (31536000, False)
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert (values["NUM_PROXIES"], values["AXES_FAILURE_LIMIT"], values["key"]) == (1, 5, "kkkkkk")
    assert settings_in(tmp_path, YUANQU_HTTPS="1", YUANQU_HSTS_INCLUDE_SUBDOMAINS="1")["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_a_bad_number_in_a_setting_is_named(tmp_path):
    done = run_yuanqu(tmp_path, "check", YUANQU_LOGIN_FAILURE_LIMIT="ten")
    assert done.returncode != 0
    assert "YUANQU_LOGIN_FAILURE_LIMIT must be a whole number, not 'ten'" in done.stderr


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    done = run_yuanqu(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        YUANQU_HTTPS="1",
        YUANQU_SECRET_KEY=secrets.token_urlsafe(50),
        YUANQU_DEBUG="0",
        YUANQU_ALLOWED_HOSTS="yuanqu.example.gov.cn",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (2 silenced)." in done.stdout


def test_check_deploy_reports_the_development_key_and_plain_http(tmp_path):
    done = run_yuanqu(tmp_path, "check", "--deploy")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    for check in ("yuanqu.E001", "security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


@pytest.mark.parametrize("addr", ["0.0.0.0:8000", "192.168.1.20:8000", "[::]:8000", "yuanqu.example.gov.cn:80"])
def test_serve_refuses_other_addresses_with_the_development_key(db, addr, monkeypatch):
    monkeypatch.setattr("waitress.serve", lambda app, **kw: pytest.fail("served"))
    assert settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(CommandError) as info:
        call_command("serve", "--addr", addr, stdout=io.StringIO())
    message = str(info.value)
    assert "拒绝" in message and "开发密钥" in message
    assert "Set the environment variable YUANQU_SECRET_KEY to a long random value" in message
    with pytest.raises(CommandError, match="YUANQU_SECRET_KEY"):
        call_command("demo", "--addr", addr, stdout=io.StringIO())


@pytest.mark.parametrize("addr", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.0.0.2:8765"])
def test_serve_on_this_machine_keeps_the_development_key(db, addr, monkeypatch):
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append(kw["host"]))
    call_command("serve", "--addr", addr, stdout=io.StringIO())
    assert len(calls) == 1


def test_serve_on_other_addresses_with_a_real_key(db, settings, monkeypatch):
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append((kw["host"], kw["port"])))
    call_command("serve", "--addr", "0.0.0.0:8765", stdout=io.StringIO())
    assert calls == [("0.0.0.0", 8765)]


def test_every_response_carries_the_content_security_policy(client, user_a):
    client.force_login(user_a)
    for url in ("/", "/login/", "/api/docs/", "/admin/login/", "/no-such-page/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["object-src"] == "'none'"
        assert directives["worker-src"] == "'self' blob:"
        assert directives["frame-ancestors"] == "'none'"
        assert "'unsafe-eval'" not in policy


def test_https_responses_carry_hsts_and_plain_http_is_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert client.get("/login/")["Location"] == "https://testserver/login/"
    secure = client.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert (secure["X-Content-Type-Options"], secure["X-Frame-Options"]) == ("nosniff", "DENY")
    assert secure["Referrer-Policy"] == "same-origin"
