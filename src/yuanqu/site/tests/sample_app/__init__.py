"""A tiny app added the way docs/development.md's checklist says, to prove that an app plugs in without editing
core: it is installed only by ``sample_settings`` (see test_new_app.py)."""
