"""Factory for tests: a project with a stage history, written straight to the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yuanqu.projects.models import Project, Stage, StageEvent


def make_project(zone, name: str, *, history=(), total_investment=None, **fields) -> Project:
    """A project in ``zone`` whose timeline is ``history``: (stage, date) pairs, oldest first.

    Without a history it is a lead since 2025-01-02. Services are bypassed so that tests can build any
    past; the rules are tested through ``advance_stage`` itself.
    """
    history = list(history) or [(Stage.LEAD, dt.date(2025, 1, 2))]
    project = Project.objects.create(
        zone=zone,
        name=name,
        stage=history[-1][0],
        total_investment=None if total_investment is None else Decimal(str(total_investment)),
        **fields,
    )
    previous = ""
    for stage, on in history:
        StageEvent.objects.create(project=project, from_stage=previous, to_stage=stage, on=on)
        previous = stage
    return project
