from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        # The edXML outbox follows the steps inside their transactions.
        from .services import outbox  # noqa: F401
