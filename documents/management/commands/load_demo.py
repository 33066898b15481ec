from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from documents import demo


class Command(BaseCommand):
    help = (
        "Load the Sầm Sơn 2023 organisation chart, the demo people (password demo12345) and "
        "the seed plan as a draft, and the demo PKI (init_demo_pki). Safe to run again. "
        "Refuses to run with DEBUG=False."
    )

    def handle(self, *args, **options):
        try:
            document = demo.load()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"demo loaded; seed plan #{document.pk} is {document.status}")
        )
        # The signers' and organisations' demo keys (documents/signing/pki.py).
        call_command("init_demo_pki", stdout=self.stdout)
