"""Vietnam's administrative units on the pre-2025 and the current map."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The date the two-level local government took effect (Nghị quyết 202/2025/QH15).
REFORM_DATE = datetime.date(2025, 7, 1)
LEGACY_END_DATE = datetime.date(2025, 6, 30)


class MapEdition(models.TextChoices):
    LEGACY = "legacy", _("Bản đồ trước 01/7/2025 (63 tỉnh)")
    CURRENT = "current", _("Bản đồ từ 01/7/2025 (34 tỉnh)")


class Level(models.TextChoices):
    COUNTRY = "country", _("Quốc gia")
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện")
    COMMUNE = "commune", _("Xã/Phường")
    VILLAGE = "village", _("Thôn/Ấp/Khu phố")


VILLAGE_TYPES = ["Thôn", "Ấp", "Bản", "Buôn", "Làng", "Xóm", "Khu phố", "Tổ dân phố", "Khóm"]


class AdminUnit(models.Model):
    """One administrative unit (đơn vị hành chính) on one edition of the map.

    `path` is the chain of ids from the country down ("/1/12/345/6789/"), so
    "inside a territory" is a prefix test that both databases index. The
    country unit is shared by both editions of the map.
    """

    edition = models.CharField(_("bản đồ"), max_length=10, choices=MapEdition.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    unit_type = models.CharField(_("loại"), max_length=30)
    code = models.CharField(_("mã"), max_length=10, blank=True)
    name = models.CharField(_("tên đầy đủ"), max_length=200)
    short_name = models.CharField(_("tên"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=100, db_index=True, editable=False)
    # For a unit of the old map: the path of the smallest unit of today's map that
    # holds all its successors ("" when none). A territory on today's map covers an
    # old unit when this starts with the territory's path — one indexed prefix test
    # instead of a subquery over every succession.
    covered_path = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)
    successors: models.ManyToManyField[AdminUnit, UnitSuccession] = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "level", "code"],
                condition=~Q(code=""),
                name="geo_unit_unique_code",
                violation_error_message=_("Mã đơn vị đã tồn tại trên bản đồ này."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(level="village"),
                name="geo_village_unique_name",
                violation_error_message=_("Thôn/khu phố này đã có trong xã/phường."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="geo_unit_valid_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
            models.CheckConstraint(
                condition=Q(level="country", parent__isnull=True)
                | (~Q(level="country") & Q(parent__isnull=False)),
                name="geo_unit_parent_by_level",
                violation_error_message=_("Chỉ cấp quốc gia không có đơn vị cấp trên."),
            ),
        ]
        indexes = [models.Index(fields=["edition", "level", "sort_key"])]

    def __str__(self) -> str:
        if self.edition == MapEdition.LEGACY and self.level != Level.COUNTRY:
            return f"{self.name} ({_('cũ')})"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:unit_detail", args=[self.pk])

    @property
    def is_legacy(self) -> bool:
        return self.edition == MapEdition.LEGACY

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class UnitSuccession(models.Model):
    """Old unit -> new unit. `partial` marks an old unit split among several."""

    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="succession_out"
    )
    successor = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="succession_in")
    partial = models.BooleanField(_("sáp nhập một phần"), default=False)
    is_default = models.BooleanField(_("đơn vị kế thừa chính"), default=True)

    class Meta:
        verbose_name = _("kế thừa địa giới")
        verbose_name_plural = _("kế thừa địa giới")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="geo_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
