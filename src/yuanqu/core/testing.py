"""What the factories of every app's ``testing.py`` share: one counter, so that the names, codes and places they
make never repeat within a test run."""

from __future__ import annotations

import itertools

_counter = itertools.count(1)


def next_number() -> int:
    """A number no factory has used before in this process."""
    return next(_counter)
