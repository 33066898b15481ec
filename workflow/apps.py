from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Luồng xử lý")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects to the documents signals)
