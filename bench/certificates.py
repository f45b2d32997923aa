"""Benchmark: certificates for a class of 1,000 completed trainees.

Times the system end to end (numbers allocated under the series lock, the merged
PDF and the zip written through the batch service) beside one raw typst compile
of the same 1,000 pages (same template, data prepared in advance), same run.
Goals: end to end ≤ 10 s and ≤ 2× raw. A report, not a gate (exit code 0).

    .venv/bin/python bench/certificates.py [--no-zip]
    .venv/bin/python bench/certificates.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.classes import _database  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_RATIO = 2.0
N = 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-zip", action="store_true", help="merged PDF only")
    args = parser.parse_args(argv)
    with _database(args.database_url, keep=args.keep) as database:
        os.chdir(ROOT)
        os.environ["DJANGO_SETTINGS_MODULE"] = "taphuan.settings"
        os.environ["DATABASE_URL"] = database.url
        os.environ.setdefault("MEDIA_ROOT", str(Path(database.url.split("///")[-1]).parent))
        import tempfile

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="taphuan-bench-media-")
        from certificates import documents, services
        from certificates.models import CertificateBatch
        from courses.services import CourseData, course_create
        from nominations.models import Enrollment
        from orgs.models import Organization, OrganizationKind
        from people.models import Person

        print(f"bench/certificates.py on {connection.vendor}: {database.label}", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        from geo.models import AdminUnit

        unit = AdminUnit.objects.create(
            name="Huyện Bù Đăng",
            short_name="Bù Đăng",
            level="country",
            code="bench",
            edition="current",
            path="bench/",
        )
        org = Organization.objects.create(
            name="Ban Dân vận Huyện ủy Bù Đăng", kind=OrganizationKind.COMMITTEE, territory=unit
        )
        start = datetime.date(2022, 5, 25)
        course = course_create(
            actor=None,
            data=CourseData(
                kind="training",
                title="Lớp bồi dưỡng nghiệp vụ công tác dân vận năm 2022",
                owner=org,
                start_date=start,
                end_date=start + datetime.timedelta(days=2),
                venue="Hội trường Huyện ủy",
            ),
        )
        people = Person.objects.bulk_create(
            Person(owner=org, full_name=f"Nguyễn Thị Học Viên Số {i}", sort_key=f"{i:05d}",
                   birth_date=datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28))
            for i in range(N)
        )  # fmt: skip
        Enrollment.objects.bulk_create(
            Enrollment(course=course, person=p, completed=True) for p in people
        )
        signature = services.Signature(datetime.date(2022, 5, 27), "Nguyễn Văn Bình", "Trưởng ban")

        started = time.perf_counter()
        batch = CertificateBatch.objects.create(
            course=course, issued_on=signature.issued_on, signer_name=signature.signer_name,
            signer_title=signature.signer_title, verify_base="https://taphuan.example.vn/",
            progress_total=N,
        )  # fmt: skip
        services.batch_run(batch, with_zip=not args.no_zip)
        e2e = time.perf_counter() - started
        assert batch.issued_count == N

        from certificates.models import Certificate

        certs = list(
            Certificate.objects.select_related(
                "enrollment__person", "enrollment__person__organization"
            ).order_by("number")
        )
        data = documents.document_data(course, certs, "https://taphuan.example.vn/")
        # The raw compile runs in a fresh process: typst memoises across compiles in
        # one process, so compiling the same pages again here would be too fast.
        raw = _raw_compile_seconds(data)
        ratio = e2e / raw
        print(f"{'measure':<52} {'seconds':>8}")
        print("-" * 62)
        print(f"{'raw: one typst compile of 1,000 pages (data ready)':<52} {raw:8.2f}")
        label = "system: numbers + merged PDF" + ("" if args.no_zip else " + zip of 1,000 PDFs")
        print(f"{label:<52} {e2e:8.2f}")
        print(f"\nend to end / raw = {ratio:.2f}×")
        for text, ok in (
            (f"end to end {e2e:.2f} s ≤ {GOAL_SECONDS:g} s", e2e <= GOAL_SECONDS),
            (f"end to end / raw = {ratio:.2f}× ≤ {GOAL_RATIO:g}×", ratio <= GOAL_RATIO),
        ):
            print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0


_RAW = """
import json, sys, time, typst
data = open(sys.argv[1], encoding="utf-8").read()
compiler = typst.Compiler(sys.argv[2])
started = time.perf_counter()
pdf = compiler.compile(format="pdf", sys_inputs={"data": data})
assert pdf[:4] == b"%PDF"
print(time.perf_counter() - started)
"""


def _raw_compile_seconds(data: dict[str, Any]) -> float:
    """One typst compile of the prepared pages, timed inside a fresh process."""
    import json
    import subprocess
    import tempfile

    from certificates.documents import TEMPLATE

    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        result = subprocess.run(  # noqa: S603 - this interpreter, our own script
            [sys.executable, "-c", _RAW, handle.name, str(TEMPLATE)],
            check=True,
            capture_output=True,
            text=True,
        )
    return float(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    raise SystemExit(main())
