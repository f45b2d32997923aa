"""Phiếu đánh giá: trainees rate the topics, lecturers and organisation of a class.

One `SurveyResponse` per enrollment (entered from a paper survey by the class
secretary or committee, or answered by the trainee through a personal signed
link) holds the organisation score and a comment; one `SurveyRating` per
(lecture session, lecturer) pair of the class holds a score 1–5.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role

MIN_SCORE = 1
MAX_SCORE = 5


class Source(models.TextChoices):
    PAPER = "paper", _("Phiếu giấy")
    LINK = "link", _("Đường dẫn cá nhân")


class SurveyResponse(models.Model):
    """The survey of one trainee of a class."""

    enrollment = models.OneToOneField(
        "nominations.Enrollment", on_delete=models.CASCADE, related_name="survey_response"
    )
    organisation_score = models.PositiveSmallIntegerField(_("điểm công tác tổ chức lớp"))
    comment = models.TextField(_("ý kiến khác"), blank=True)
    submitted_at = models.DateTimeField(_("ngày gửi"), default=timezone.now)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_territory = "enrollment__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE | {Role.SECRETARY}

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation_score__gte=MIN_SCORE)
                & Q(organisation_score__lte=MAX_SCORE),
                name="feedback_response_organisation_1_5",
                violation_error_message=_("Điểm phải từ 1 đến 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.organisation_score}"


class SurveyRating(models.Model):
    """The score one trainee gave a lecture session's topic and lecturer."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="ratings")
    session = models.ForeignKey(
        "courses.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied from the session when answered: the averages survive a changed programme.
    topic = models.ForeignKey(
        "courses.Topic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lecturer = models.ForeignKey(
        "people.Lecturer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_ratings",
    )
    label = models.CharField(_("nội dung"), max_length=300, blank=True)
    score = models.PositiveSmallIntegerField(_("điểm"))

    scope_territory = "response__enrollment__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE | {Role.SECRETARY}
    # A lecturer reads the scores given to them (never the comments).
    scope_own = {Role.LECTURER: "lecturer__user"}

    class Meta:
        verbose_name = _("điểm đánh giá")
        verbose_name_plural = _("điểm đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE) & Q(score__lte=MAX_SCORE),
                name="feedback_rating_score_1_5",
                violation_error_message=_("Điểm phải từ 1 đến 5."),
            ),
            models.UniqueConstraint(
                fields=["response", "session", "lecturer"], name="feedback_rating_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.label} {self.score}"
