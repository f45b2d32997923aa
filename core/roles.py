"""The roles of DESIGN.md §3."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    COMMITTEE_MANAGER = "committee_manager", _("Lãnh đạo Ban (quản lý)")
    COMMITTEE_STAFF = "committee_staff", _("Cán bộ Ban")
    FOCAL_POINT = "focal_point", _("Đầu mối đơn vị cử học viên")
    SECRETARY = "secretary", _("Giáo vụ lớp")
    LECTURER = "lecturer", _("Báo cáo viên")
    TRAINEE = "trainee", _("Học viên")
    EDITOR = "editor", _("Biên tập viên")


MANAGERS = frozenset({Role.ADMIN, Role.COMMITTEE_MANAGER})
COMMITTEE = frozenset({Role.ADMIN, Role.COMMITTEE_MANAGER, Role.COMMITTEE_STAFF})
# Who reads classes (lists, calendar, exports): the committee, the class
# secretaries, editors writing the news, lecturers (their own classes only).
COURSE_READERS = COMMITTEE | {Role.SECRETARY, Role.EDITOR, Role.LECTURER}
