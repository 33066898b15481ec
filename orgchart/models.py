"""Who: organisations, positions, people's memberships, roles and delegations (ủy quyền).

An organisation is data with a validity period, so a 2023 document keeps the names of the
bodies that existed in 2023 after the 2025 reorganisation.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    DRAFTER = "drafter", _("Soạn thảo")
    REVIEWER = "reviewer", _("Duyệt nội dung")
    CLERK = "clerk", _("Văn thư")
    SIGNER = "signer", _("Người ký")
    LEADER = "leader", _("Lãnh đạo (phân công xử lý)")
    AUDITOR = "auditor", _("Kiểm tra nhật ký")


class Role(models.Model):
    """The fixed vocabulary of roles; rows exist so positions can carry them in SQL."""

    code = models.CharField(max_length=20, primary_key=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class OrganizationKind(models.TextChoices):
    MTTQ = "mttq", _("Ủy ban MTTQ")
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy Đảng")
    PARTY_BOARD = "party_board", _("Ban của cấp ủy")
    MEMBER = "member", _("Tổ chức thành viên")
    WARD = "ward", _("Phường")
    COMMUNE = "commune", _("Xã")
    EXTERNAL = "external", _("Cơ quan bên ngoài")


class ValidityQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )


class Organization(models.Model):
    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    symbol = models.CharField(
        _("ký hiệu"),
        max_length=40,
        blank=True,
        help_text=_("Chữ viết tắt trong số, ký hiệu văn bản, ví dụ MTTQ-BTT."),
    )
    header_lines = models.TextField(
        _("dòng tên cơ quan"),
        blank=True,
        help_text=_("Tên cơ quan chủ quản và cơ quan ban hành, mỗi dòng một dòng."),
    )
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)
    # QCVN 102:2016: the identifier other systems address this body by in an edXML package
    # (From/To OrganId, the first part of a DocumentId). Blank for bodies not on the axis.
    organ_id = models.CharField(
        _("mã định danh"),
        max_length=40,
        blank=True,
        help_text=_("Mã định danh điện tử theo QCVN 102:2016, ví dụ 000.00.31.H56."),
    )
    requires_format_check = models.BooleanField(
        _("văn thư kiểm tra thể thức"),
        default=True,
        help_text=_("Bỏ chọn để văn bản đi thẳng từ duyệt nội dung sang trình ký."),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="organization_validity_ordered",
            ),
            models.UniqueConstraint(
                fields=["organ_id"],
                condition=~Q(organ_id=""),
                name="organization_organ_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post (chức vụ) such as Phó Chủ tịch; the roles it carries decide what its holder may do."""

    name = models.CharField(_("chức vụ"), max_length=120, unique=True)
    roles = models.ManyToManyField(Role, verbose_name=_("vai trò"), blank=True)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    position = models.ForeignKey(
        Position, verbose_name=_("chức vụ"), on_delete=models.PROTECT, related_name="memberships"
    )
    extra_roles = models.ManyToManyField(
        Role,
        verbose_name=_("vai trò bổ sung"),
        blank=True,
        help_text=_("Vai trò riêng của người này, ngoài vai trò của chức vụ."),
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("chức vụ của cán bộ")
        verbose_name_plural = _("chức vụ của cán bộ")
        ordering = ["organization__order", "organization__code", "user__username"]
        indexes = [models.Index(fields=["user", "organization"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.position} — {self.organization}"


#: The roles a person may lend by ủy quyền: the authority to review, to sign and to direct the
#: handling. The clerk's and the auditor's are duties of the post, not authority to pass on.
LENDABLE_ROLES = (RoleCode.REVIEWER, RoleCode.SIGNER, RoleCode.LEADER)


class DelegationQuerySet(ValidityQuerySet):
    def active(self, on=None):
        return super().active(on).filter(ended_at__isnull=True)


class Delegation(models.Model):
    """Ủy quyền: the deputy holds the listed roles of the principal in one organisation for a
    limited time. Actions taken under it record the principal as `on_behalf_of`."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ủy quyền"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được ủy quyền"),
        on_delete=models.CASCADE,
        related_name="delegations_received",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("cơ quan"), on_delete=models.PROTECT
    )
    roles = models.ManyToManyField(Role, verbose_name=_("vai trò"))
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))
    note = models.CharField(_("nội dung ủy quyền"), max_length=255, blank=True)
    # Ended early by the principal: from this moment it lends nothing, though valid_to (the
    # day it was ended) still reads as the last day it covered.
    ended_at = models.DateTimeField(_("kết thúc sớm lúc"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="delegation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("deputy")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal} → {self.deputy} ({self.organization})"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class CalendarDay(models.Model):
    """A day that the national calendar (the ``holidays`` package's Vietnam, Tết included)
    gets wrong for us: a day off it does not know (a Tết break extended by the Prime
    Minister's decision, an organisation's own day off) or a day worked in exchange (làm bù).
    Without an organisation it holds for every organisation."""

    date = models.DateField(_("ngày"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Để trống nếu áp dụng cho mọi cơ quan."),
    )
    working = models.BooleanField(
        _("ngày làm việc"),
        default=False,
        help_text=_("Đánh dấu nếu đây là ngày làm bù; để trống nếu là ngày nghỉ."),
    )
    name = models.CharField(_("lý do"), max_length=120)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "organization"], name="calendar_day_once_per_organization"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(organization__isnull=True),
                name="calendar_day_once_for_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"
