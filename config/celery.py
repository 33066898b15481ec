"""Celery application.

Without ``CELERY_BROKER_URL`` tasks run eagerly inside the caller (the zero-setup default);
with it, they go to the broker (Redis in production and in ``make test-services``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("vanban")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
