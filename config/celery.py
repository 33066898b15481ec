"""Celery application.

Without ``CELERY_BROKER_URL`` tasks run eagerly inside the caller (the zero-setup default);
with it, they go to the broker (Redis in production and in ``make test-services``).

The settings that make delivery safe live in ``config/settings.py`` (CELERY_*): JSON only;
``acks_late`` with ``reject_on_worker_lost``, so a task whose worker dies is redelivered rather
than lost; prefetch of one, so a busy worker does not sit on messages another could run, and
an urgent message is not stuck behind prefetched ordinary ones; priorities on the Redis
transport, so urgent documents go first. Workflow state never lives here: a lost message only
delays a delivery, because the pending receipts in the database are the outbox and the
sweeper (``workflow.tasks.sweep_pending``) re-enqueues them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("vanban")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
