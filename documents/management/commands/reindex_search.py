"""Extract the text of the attachments already stored and refresh the search text of their
documents, in batches (one transaction each), resumable with ``--after``."""

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.extraction import extract
from documents.models import Attachment, Document, Receipt


def reindex_batch(after: int, size: int) -> int | None:
    """The last attachment id done, or None when there was none after ``after``."""
    with transaction.atomic():
        rows = list(Attachment.objects.filter(pk__gt=after).order_by("pk")[:size])
        if not rows:
            return None
        for attachment in rows:
            try:
                with attachment.file.open("rb") as fp:
                    attachment.text = extract(fp, attachment.content_type)
            except OSError:  # the file is gone from the storage
                attachment.text = ""
        Attachment.objects.bulk_update(rows, ["text"])
        # Locked, so that an edit saved meanwhile is not overwritten with the old body.
        owners = (
            (Document, {a.document_id for a in rows if a.document_id}),
            (Receipt, {a.receipt_id for a in rows if a.receipt_id}),
        )
        for model, pks in owners:
            for owner in model.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
                owner.save(update_fields=["search_text"])
    return rows[-1].pk


class Command(BaseCommand):
    help = "Extract the text of stored attachments and refresh their documents' search text."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=100, help="attachments per transaction")
        parser.add_argument("--after", type=int, default=0, help="resume after this attachment id")

    def handle(self, *args, batch: int, after: int, **options):
        done = 0
        while (last := reindex_batch(after, max(1, batch))) is not None:
            done += Attachment.objects.filter(pk__gt=after, pk__lte=last).count()
            after = last
            self.stdout.write(f"{done} attachments read, up to id {after}.")
        self.stdout.write(f"{done} attachments read.")
