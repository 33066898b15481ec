"""Start delivery when a dispatch commits. ``documents`` sends the signal and knows nothing of
Celery; the tasks are enqueued here."""

import logging

from django.dispatch import receiver

from documents.models import Document, Urgency
from documents.signals import document_dispatched, document_recalled

from . import tasks

log = logging.getLogger(__name__)


@receiver(document_dispatched)
def enqueue_delivery(sender, document_id: int, **kwargs) -> None:
    urgency = Document.objects.filter(pk=document_id).values_list("urgency", flat=True).first()
    try:
        tasks.enqueue_document(document_id, urgency or Urgency.NORMAL)
    except Exception:
        # The dispatch has committed and its receipts wait as pending: the sweeper delivers
        # them once the broker (or whatever failed) is back. The clerk's request must not
        # fail for it.
        log.exception("could not enqueue delivery of document %s; the sweeper will", document_id)


@receiver(document_recalled)
def enqueue_recall_notice(sender, document_id: int, **kwargs) -> None:
    try:
        tasks.notify_recall.apply_async((document_id,), priority=tasks.BACKGROUND_PRIORITY)
    except Exception:
        log.exception("could not enqueue the recall notice of document %s", document_id)
