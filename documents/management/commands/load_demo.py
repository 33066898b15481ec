from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from documents import demo, stepup


class Command(BaseCommand):
    help = (
        "Load the Sầm Sơn 2023 organisation chart, the demo people (password demo12345), "
        "the signers' and clerks' demo authenticators, the demo PKI (init_demo_pki) and the "
        "seed plan as a draft. Safe to run again. Refuses to run with DEBUG=False."
    )

    def handle(self, *args, **options):
        try:
            document = demo.load()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"demo loaded; seed plan #{document.pk} is {document.status}")
        )
        self.stdout.write(
            "signers and clerks step up with a TOTP code of the demo authenticator secret "
            f"{stepup.DEMO_SECRET} (demo only: any authenticator app, base32, 6 digits, 30 s)"
        )
        # The signers' and organisations' demo keys (documents/signing/pki.py).
        call_command("init_demo_pki", stdout=self.stdout)
