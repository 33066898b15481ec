"""The fixed vocabularies of a document (Decree 30/2020/NĐ-CP): types, urgency, secrecy,
signing authority, register direction. The lifecycle's states and purposes live in
documents.lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocType(models.TextChoices):
    """Decree 30/2020/NĐ-CP, Appendix III: abbreviations of document types. A công văn has no
    abbreviation in its symbol; ``CV`` only names the type here."""

    NQ = "NQ", _("Nghị quyết")
    QD = "QĐ", _("Quyết định")
    CT = "CT", _("Chỉ thị")
    QC = "QC", _("Quy chế")
    QYD = "QyĐ", _("Quy định")
    TC = "TC", _("Thông cáo")
    TB = "TB", _("Thông báo")
    HD = "HD", _("Hướng dẫn")
    CTR = "CTr", _("Chương trình")
    KH = "KH", _("Kế hoạch")
    PA = "PA", _("Phương án")
    DEAN = "ĐA", _("Đề án")
    DA = "DA", _("Dự án")
    BC = "BC", _("Báo cáo")
    BB = "BB", _("Biên bản")
    TTR = "TTr", _("Tờ trình")
    HOPDONG = "HĐ", _("Hợp đồng")
    CV = "CV", _("Công văn")
    CD = "CĐ", _("Công điện")
    BGN = "BGN", _("Bản ghi nhớ")
    GUQ = "GUQ", _("Giấy ủy quyền")
    GM = "GM", _("Giấy mời")
    GGT = "GGT", _("Giấy giới thiệu")
    GNP = "GNP", _("Giấy nghỉ phép")
    PG = "PG", _("Phiếu gửi")
    PC = "PC", _("Phiếu chuyển")
    PB = "PB", _("Phiếu báo")
    TTRI = "TTri", _("Thông tri")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    KHAN = "khan", _("Khẩn")
    THUONG_KHAN = "thuong_khan", _("Thượng khẩn")
    HOA_TOC = "hoa_toc", _("Hỏa tốc")


class Secrecy(models.TextChoices):
    NORMAL = "normal", _("Thường")
    MAT = "mat", _("Mật")
    TOI_MAT = "toi_mat", _("Tối mật")
    TUYET_MAT = "tuyet_mat", _("Tuyệt mật")


class AuthorityPrefix(models.TextChoices):
    NONE = "", _("(không)")
    TM = "TM", _("TM. (thay mặt)")
    KT = "KT", _("KT. (ký thay)")
    TL = "TL", _("TL. (thừa lệnh)")
    TUQ = "TUQ", _("TUQ. (thừa ủy quyền)")
    Q = "Q", _("Q. (quyền)")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Văn bản đi")
    INCOMING = "incoming", _("Văn bản đến")


class SignatureStatus(models.TextChoices):
    """What verification on arrival found (documents/signing/verify.py)."""

    VALID = "valid", _("Chữ ký số hợp lệ")
    INVALID = "invalid", _("Chữ ký số không hợp lệ")
    UNSIGNED = "unsigned", _("Không có chữ ký số")
