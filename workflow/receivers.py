"""Start delivery when a dispatch commits. ``documents`` sends the signal and knows nothing of
Celery; the tasks are enqueued here."""

from django.dispatch import receiver

from documents.signals import document_dispatched

from . import tasks


@receiver(document_dispatched)
def enqueue_delivery(sender, document_id: int, **kwargs) -> None:
    tasks.deliver_document.delay(document_id)
