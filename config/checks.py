"""Deploy checks of ours (``manage.py check --deploy``): what the embedded demo runs on and a
production must not. Django's own deploy checks cover the key, cookies, HSTS and DEBUG's
warning; these name the services."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_production_services(app_configs=None, **kwargs) -> list[Error | Warning]:
    found: list[Error | Warning] = []
    if settings.DEBUG:
        found.append(
            Error(
                "DEBUG is on: error pages show settings and code to anyone.",
                hint="Leave DEBUG unset (or DEBUG=False) in production.",
                id="vanban.E001",
            )
        )
    engines = {db["ENGINE"] for db in settings.DATABASES.values()}
    if "django.db.backends.sqlite3" in engines:
        found.append(
            Error(
                "The database is SQLite: one writer at a time, no row locks, no backups "
                "while it runs.",
                hint="Set DATABASE_URL=postgres://…",
                id="vanban.E002",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory://"):
        found.append(
            Error(
                "Celery runs eagerly (no CELERY_BROKER_URL): delivery, reminders and the "
                "sweeper run inside web requests, or never.",
                hint="Set CELERY_BROKER_URL=redis://… and run `make worker` and `make beat`.",
                id="vanban.E003",
            )
        )
    if settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        found.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: e-mail to recipients outside "
                "the system is never sent.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "EMAIL_HOST, EMAIL_PORT…",
                id="vanban.E004",
            )
        )
    if settings.ADMIN_PATH == "admin/":
        found.append(
            Warning(
                "The admin is at the default /admin/, the first address scanners try.",
                hint="Set ADMIN_PATH to an address of your own.",
                id="vanban.W001",
            )
        )
    return found
