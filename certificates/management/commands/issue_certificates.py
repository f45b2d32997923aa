"""manage.py issue_certificates --course ID [--user ID] [--signer-name ... --signer-title ...]
[--date YYYY-MM-DD] [--base-url URL]

Issues the certificates of every completed trainee of a class who has no valid
one yet, in this process (the same steps as the background task behind the
"Cấp giấy chứng nhận cho cả lớp" button): numbers, register rows, the merged PDF
and the zip of single PDFs. Progress goes to stderr; the file paths to stdout.
Signer name and title default to the class's last batch; the date to today.
"""

from __future__ import annotations

import datetime
import sys
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from certificates import services
from certificates.models import BatchStatus, CertificateBatch
from core.scope import CHANGE, get_for_user
from courses.models import Course


class Progress:
    """A text progress bar on stderr, redrawn in place."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.last:
            return
        self.last = percent
        bar = "█" * (percent * 30 // 100) + "░" * (30 - percent * 30 // 100)
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\rCấp giấy chứng nhận {bar} {percent:3d}% ({elapsed:.1f} s)")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _default_base_url() -> str:
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
    host = hosts[0] if hosts else "localhost"
    return f"https://{host}/" if settings.PRODUCTION else f"http://{host}:8000/"


def _date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise CommandError(f"--date: “{text}” không phải là ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")


def _where(file: FieldFile) -> str:
    try:
        return str(file.path)
    except NotImplementedError:  # storages without local paths
        return str(file.name)


class Command(BaseCommand):
    help = (
        "Cấp giấy chứng nhận cho mọi học viên đã hoàn thành của một lớp "
        "(số hiệu, sổ cấp, tệp PDF gộp và tệp zip từng giấy)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", type=int, required=True, help="id of the class")
        parser.add_argument(
            "--user", type=int, help="id of the issuing user (checked against the scope)"
        )
        parser.add_argument("--signer-name", default="", help="default: the last batch's")
        parser.add_argument("--signer-title", default="", help="default: the last batch's")
        parser.add_argument("--date", default="", help="date of issue (default: today)")
        parser.add_argument("--base-url", default="", help="site address the QR codes point to")

    def handle(self, *args: Any, **options: Any) -> None:
        course = self._course(options["course"], options["user"])
        user = User.objects.get(pk=options["user"]) if options["user"] else None
        last = CertificateBatch.objects.filter(course=course).order_by("-created_at").first()
        signature = services.Signature(
            _date(options["date"]) if options["date"] else timezone.localdate(),
            options["signer_name"] or (last.signer_name if last else ""),
            options["signer_title"] or (last.signer_title if last else ""),
        )
        try:
            signature.check(course)
        except ValidationError as error:
            raise CommandError(
                " ".join(error.messages) + " (--signer-name, --signer-title)"
            ) from None
        pending = services.pending_count(course)
        if pending == 0:
            raise CommandError(
                "Không có học viên nào đã hoàn thành mà chưa được cấp giấy chứng nhận."
            )
        batch = CertificateBatch.objects.create(
            course=course,
            issued_on=signature.issued_on,
            signer_name=signature.signer_name.strip(),
            signer_title=signature.signer_title.strip(),
            verify_base=options["base_url"] or _default_base_url(),
            progress_total=pending,
            created_by=user,
        )
        self.stdout.write(f"Lớp: {course.title} — {pending} học viên chờ cấp giấy chứng nhận.")
        try:
            batch = services.batch_run(batch, report=Progress(self.stderr))
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            CertificateBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, message=message, finished_at=timezone.now()
            )
            raise CommandError(message) from None
        self.stdout.write(self.style.SUCCESS(batch.message))
        self.stdout.write(f"PDF gộp: {_where(batch.merged_pdf)}")
        self.stdout.write(f"Tệp zip: {_where(batch.zip_file)}")

    def _course(self, course_pk: int, user_pk: int | None) -> Course:
        courses = Course.objects.select_related("owner", "owner__territory")
        if user_pk is None:
            try:
                return courses.get(pk=course_pk)
            except Course.DoesNotExist:
                raise CommandError(f"Không có lớp id={course_pk}.") from None
        try:
            user = User.objects.get(pk=user_pk)
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng id={user_pk}.") from None
        try:
            return get_for_user(courses, user, course_pk, CHANGE)
        except PermissionDenied:
            raise CommandError(
                f"Người dùng {user} không có quyền cấp giấy chứng nhận cho lớp id={course_pk}."
            ) from None
        except Http404:
            raise CommandError(
                f"Không có lớp id={course_pk} trong phạm vi của người dùng {user}."
            ) from None
