"""The stored electronic originals: every signed PDF once, never changed or removed.

A row names the document, the step that made it (``signed`` by the signer, ``issued`` once
numbered and sealed, ``attachment`` for an attachment sealed with the document), the version
signed, the file and its SHA-256. The file's name is its hash, so a stored file is found by
what it is; the step's audit event carries the same hash, so the trail vouches for the file.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _


class OriginalKind(models.TextChoices):
    SIGNED = "signed", _("Bản đã ký")
    ISSUED = "issued", _("Bản phát hành")
    ATTACHMENT = "attachment", _("Tệp đính kèm đã ký số")


def original_path(instance: SignedPdf, filename: str) -> str:
    return f"originals/{instance.sha256[:2]}/{instance.sha256}.pdf"


class SignedPdf(models.Model):
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="originals"
    )
    kind = models.CharField(max_length=12, choices=OriginalKind.choices)
    attachment = models.ForeignKey(
        "documents.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="originals",
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    file = models.FileField(upload_to=original_path)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    #: Where the signer's image is (page from 0, box in PDF points): the seal overlaps it.
    signature_page = models.IntegerField(null=True, blank=True)
    signature_box = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản gốc điện tử")
        verbose_name_plural = _("bản gốc điện tử")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind"],
                condition=~models.Q(kind="attachment"),
                name="original_once_per_step",
            ),
            models.UniqueConstraint(
                fields=["attachment"],
                condition=models.Q(kind="attachment"),
                name="original_once_per_attachment",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="attachment", attachment__isnull=False)
                | (~models.Q(kind="attachment") & models.Q(attachment__isnull=True)),
                name="original_attachment_iff_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A stored original is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A stored original is never removed.")

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()


def store(
    *,
    document,
    kind: str,
    pdf: bytes,
    attachment=None,
    signature_page: int | None = None,
    signature_box: tuple | None = None,
) -> SignedPdf:
    """Keep one signed PDF. Called inside the step's transaction: should the step fail, the
    row goes and the file stays behind under its hash, unreferenced."""
    digest = hashlib.sha256(pdf).hexdigest()
    row = SignedPdf(
        document=document,
        kind=kind,
        attachment=attachment,
        version=document.version,
        sha256=digest,
        size=len(pdf),
        signature_page=signature_page,
        signature_box=list(signature_box) if signature_box else None,
    )
    row.file.save(f"{digest}.pdf", ContentFile(pdf), save=False)
    row.save()
    return row


def latest(document) -> SignedPdf | None:
    """The document's original as it stands: issued when sealed, else as signed."""
    rows = {
        row.kind: row
        for row in SignedPdf.objects.filter(
            document=document, kind__in=(OriginalKind.SIGNED, OriginalKind.ISSUED)
        )
    }
    return rows.get(OriginalKind.ISSUED) or rows.get(OriginalKind.SIGNED)


def sealed_copy(attachment) -> SignedPdf | None:
    """The attachment as the organisation sealed it at registration, when it was a PDF."""
    return SignedPdf.objects.filter(attachment=attachment, kind=OriginalKind.ATTACHMENT).first()
