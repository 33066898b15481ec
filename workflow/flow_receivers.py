"""Keep the flows in step with the documents, whoever moved them: the UI's task screens, the
API, or a Celery delivery. The signals arrive after commit, one per step."""

from django.dispatch import receiver

from documents.signals import document_changed, document_recalled, receipt_changed


@receiver(document_changed, dispatch_uid="workflow.follow_document")
def on_document_changed(sender, document_id: int, actor_id=None, **kwargs) -> None:
    from .flows import follow_document

    follow_document(document_id, actor_id)


@receiver(receipt_changed, dispatch_uid="workflow.follow_receipt")
def on_receipt_changed(sender, receipt_id: int, action: str = "", actor_id=None, **kwargs) -> None:
    # Delivery starts the receipt's IncomingFlow; every later step closes the step's task.
    from .flows import follow_receipt

    follow_receipt(receipt_id, actor_id)


@receiver(document_recalled, dispatch_uid="workflow.follow_recall")
def on_document_recalled(sender, document_id: int, **kwargs) -> None:
    from .flows import follow_recall

    follow_recall(document_id)
