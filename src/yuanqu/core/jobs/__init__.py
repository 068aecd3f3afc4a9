"""Jobs: long work (large imports, evaluation runs, the map's warm-up) done by a worker, not in a request.

A job is a stored row (``Job``): its kind, user, zone, state, progress, problems and result. Apps declare the
kinds of work they hand to jobs in ``registry.job_kinds`` (``registry.JobKind``); ``services.submit`` stores a
job and puts its id on the task queue (Django's task interface, the ``django-tasks`` backport: on the database by
default, on Redis through RQ in production); a worker (``yuanqu worker``, started by ``yuanqu serve`` on the
database backend) takes the id and runs ``services.execute``. The row, not the queue, is the truth: delivering an
id twice runs the job once, and a worker starting again finds what a dead one left behind (``services.recover``).
"""
