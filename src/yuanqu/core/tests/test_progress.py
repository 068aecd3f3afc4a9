"""Progress lines on a log (not a terminal): a known total gives steps, unknown work only its time."""

import io
import re

from yuanqu.core.progress import Progress


def test_work_of_unknown_size_reports_only_its_time():
    stream = io.StringIO()
    with Progress("亩均评价 / evaluating", stream=stream):
        pass
    assert re.fullmatch(r"亩均评价 / evaluating in \d+\.\d s\n", stream.getvalue())


def test_counted_work_of_unknown_size_reports_the_count():
    stream = io.StringIO()
    with Progress("rows", stream=stream) as progress:
        progress.advance(1234)
    assert re.fullmatch(r"rows: 1,234 in \d+\.\d s\n", stream.getvalue())


def test_known_total_reports_steps_and_the_end():
    stream = io.StringIO()
    with Progress("rows", total=4, stream=stream) as progress:
        for _ in range(4):
            progress.advance()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "rows: 1/4 (25%)"
    assert re.fullmatch(r"rows: 4/4 \(100%\) in \d+\.\d s", lines[-1])
