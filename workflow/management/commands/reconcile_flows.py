"""Bring every process in line with its document's or receipt's state."""

from django.core.management.base import BaseCommand

from workflow.bookkeeping import reconcile


class Command(BaseCommand):
    help = "Bring the flows' tasks in line with the documents' and receipts' states."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=500, help="at most this many per flow (default 500)"
        )

    def handle(self, *args, limit: int, **options):
        fixed = reconcile(limit=limit)
        self.stdout.write(f"{fixed} processes brought in line.")
