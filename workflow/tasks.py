"""Delivery of dispatched documents. Tasks are idempotent: a receipt no longer pending is
skipped, so a task that runs twice (a retry, two workers) delivers once."""

from __future__ import annotations

from celery import shared_task

from documents import services
from documents.models import Receipt, ReceiptStatus

CHUNK_SIZE = 100


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def deliver_document(document_id: int) -> int:
    """Fan out: one task per chunk of pending receipts."""
    ids = list(
        Receipt.objects.filter(document_id=document_id, status=ReceiptStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK_SIZE):
        deliver_receipts.delay(ids[start : start + CHUNK_SIZE])
    return len(ids)


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def deliver_receipts(receipt_ids: list[int]) -> int:
    return sum(1 for pk in receipt_ids if services.deliver(receipt=pk))
