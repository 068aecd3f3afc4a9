"""Logging filters: a refused request (403) is one line in the log, not a traceback."""

import logging


class OneLineForbidden(logging.Filter):
    """Drop the traceback of Django's "Forbidden" warning: a refused request is expected, its reason is logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
