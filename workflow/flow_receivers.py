"""Keep the flows in step with the documents, whoever moved them: the UI's task screens, the
API, or a Celery delivery. The signals arrive after commit, one per step."""

import logging

from django.dispatch import receiver

from documents.signals import document_changed, document_recalled, receipt_changed

logger = logging.getLogger(__name__)


def _follow(follow, *args) -> None:
    # The step has committed and stays the truth; a flow that failed to follow it is caught up
    # by the next step (the follow functions start or advance from the current state), so
    # the caller of the step — an API client, a delivery task — is not failed for it.
    try:
        follow(*args)
    except Exception:
        logger.exception("The flow could not follow %s%s", follow.__name__, args)


@receiver(document_changed, dispatch_uid="workflow.follow_document")
def on_document_changed(sender, document_id: int, actor_id=None, **kwargs) -> None:
    from .flows import follow_document

    _follow(follow_document, document_id, actor_id)


@receiver(receipt_changed, dispatch_uid="workflow.follow_receipt")
def on_receipt_changed(sender, receipt_id: int, action: str = "", actor_id=None, **kwargs) -> None:
    # Delivery starts the receipt's IncomingFlow; every later step closes the step's task.
    from .flows import follow_receipt

    _follow(follow_receipt, receipt_id, actor_id)


@receiver(document_recalled, dispatch_uid="workflow.follow_recall")
def on_document_recalled(sender, document_id: int, **kwargs) -> None:
    from .flows import follow_recall

    _follow(follow_recall, document_id)
