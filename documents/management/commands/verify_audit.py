from django.core.management.base import BaseCommand, CommandError

from documents import audit
from documents.models import AuditEvent


class Command(BaseCommand):
    help = "Re-walk every audit hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options):
        breaks = list(audit.verify())
        if breaks:
            for problem in breaks:
                self.stderr.write(f"BROKEN {problem}")
            first = min(breaks, key=lambda b: (b.seq is None, b.seq or 0))
            raise CommandError(f"audit trail broken; first broken event: {first}")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {count} events verified"))
