"""What an edXML package (QCVN 102:2016) said about a document registered from it.

The receipt carries what every incoming document has (sender, symbol, date, trích yếu); this
row keeps the package's own words beside it, unmapped, so nothing the sender wrote is lost:
its DocumentId (how both systems name the document in status messages), the number and
notation apart, the signer as printed and the whole MessageHeader as it came."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangedDocument(models.Model):
    # Strings, not imports: documents.models imports this module.
    receipt = models.OneToOneField(
        "documents.Receipt", on_delete=models.CASCADE, related_name="exchanged"
    )
    organization = models.ForeignKey(
        "orgchart.Organization", verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT
    )
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=255)
    sender_organ_id = models.CharField(_("mã định danh cơ quan gửi"), max_length=40, blank=True)
    sender_name = models.CharField(_("cơ quan gửi"), max_length=255, blank=True)
    code_number = models.CharField(_("số"), max_length=40, blank=True)
    code_notation = models.CharField(_("ký hiệu"), max_length=120, blank=True)
    promulgation_place = models.CharField(_("địa danh"), max_length=120, blank=True)
    promulgation_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    type_code = models.CharField(_("mã loại văn bản"), max_length=20, blank=True)
    type_name = models.CharField(_("tên loại văn bản"), max_length=120, blank=True)
    subject = models.TextField(_("trích yếu"))
    content = models.TextField(_("nội dung"), blank=True)
    signer_competence = models.CharField(_("quyền hạn ký"), max_length=255, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    signer_full_name = models.CharField(_("người ký"), max_length=255, blank=True)
    due_date = models.DateField(_("hạn trả lời"), null=True, blank=True)
    header = models.TextField(_("MessageHeader gốc"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản nhận qua gói tin edXML")
        verbose_name_plural = _("văn bản nhận qua gói tin edXML")
        constraints = [
            # The same package twice is one document, not two arrivals.
            models.UniqueConstraint(
                fields=["organization", "document_id"], name="exchanged_once_per_organization"
            )
        ]

    def __str__(self) -> str:
        return self.document_id
