from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Luồng xử lý")

    def ready(self) -> None:
        from . import flow_receivers, receivers  # noqa: F401  (connect to the documents signals)
