"""The project's own app configs: our deploy checks, and Django's admin on our site."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class VanbanConfig(AppConfig):
    name = "config"
    label = "vanban_config"
    verbose_name = "Văn bản MTTQ"
    default = True

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .sessions import restart_clock

        user_logged_in.connect(restart_clock, dispatch_uid="vanban-session-clock")


class SuperuserAdminConfig(admin_apps.AdminConfig):
    """``admin.site`` is our SuperuserAdminSite, so every ``admin.register`` lands on it."""

    default = False
    default_site = "config.admin.SuperuserAdminSite"
