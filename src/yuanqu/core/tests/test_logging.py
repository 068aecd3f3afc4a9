"""A refused request is one line in the log: what was refused, without a traceback."""

import logging

from yuanqu.core.logging import OneLineForbidden


def test_a_refused_request_is_logged_without_its_traceback(client, user_a, caplog):
    client.force_login(user_a)
    try:
        raise PermissionError("refused")
    except PermissionError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden (Permission denied): %s", ("/x/",), True
        )
    record.status_code = 403
    assert OneLineForbidden().filter(record) and record.exc_info is None
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/users/").status_code == 403  # staff do not manage users
    (logged,) = [r for r in caplog.records if r.name == "django.request"]
    assert logged.getMessage() == "Forbidden (Permission denied): /users/"
    assert logged.status_code == 403
