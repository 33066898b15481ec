from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Luồng xử lý")

    def ready(self) -> None:
        # Connect to the documents signals: the task bookkeeping inside every step, delivery
        # after a dispatch commits, the edXML outbox's sending.
        from . import bookkeeping, exchange, receivers  # noqa: F401
