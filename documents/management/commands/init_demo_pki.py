from django.core.management.base import BaseCommand

from documents.signing.keystore import keystore_dir
from documents.signing.pki import init_demo_pki


class Command(BaseCommand):
    help = (
        "Make the demo CA (MTTQ Demo CA) and a PKCS#12 key per person holding the signer role "
        "and per organisation with a clerk, in SIGNING_KEYSTORE_DIR. Demo only. Safe to run again."
    )

    def handle(self, *args, **options):
        report = init_demo_pki()
        ca = "new CA" if report.ca_created else "CA kept"
        self.stdout.write(
            self.style.SUCCESS(
                f"demo PKI in {keystore_dir()}: {ca}, {len(report.issued)} certificates issued, "
                f"{len(report.kept)} kept"
            )
        )
