"""The results report's content, computed from the statistics of a period and territory.

`build_report` reads the figures through `stats.selectors` (scoped for the
user) and writes the body of "Báo cáo kết quả công tác bồi dưỡng, tập huấn
nghiệp vụ công tác dân vận": what was held against the plan, who was
trained (by category, by unit), how the year compares with earlier years
(the record year named), the topics and lecturers. `report_documents`
prints it as PDF and DOCX.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from courses.documents import header_lines
from courses.models import HELD_STATUSES
from nominations.models import Enrollment, EnrollmentStatus
from planning.models import PlanTarget
from stats import charts, selectors
from stats.forms import period_label
from stats.report_documents import (
    Part,
    ResultsReport,
    Section,
    chart,
    paragraph,
    subheading,
    table,
)
from stats.selectors import Row, StatsFilter, YearRow

# How many years the year-over-year comparison looks back from the report's year.
YEARS_BACK = 9


@dataclass(frozen=True)
class TargetRow:
    """A plan target of one trainee category against the people of that category trained."""

    category: str
    target: int
    actual: int

    @property
    def percent(self) -> float:
        return round(100 * self.actual / self.target, 1) if self.target else 0.0


def category_targets(user: Any, f: StatsFilter) -> list[TargetRow]:
    """Per trainee category named in the period's plans: target and trainees of that
    category in the plans' held classes (distinct people). Two queries."""
    plans = selectors.plans_in(user, f).values("pk")
    targets = list(
        PlanTarget.objects.filter(plan__in=plans, category__isnull=False)
        .values("category_id", "category__name", "category__order")
        .annotate(n=Sum("trainees"))
        .order_by("category__order", "category__name")
    )
    if not targets:
        return []
    actual = dict(
        Enrollment.objects.filter(
            course__plan__in=plans,
            course__status__in=HELD_STATUSES,
            person__categories__in=[t["category_id"] for t in targets],
        )
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .values("person__categories")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("person__categories", "n")
        .order_by()
    )
    return [
        TargetRow(t["category__name"], t["n"] or 0, actual.get(t["category_id"], 0))
        for t in targets
    ]


@dataclass(frozen=True)
class ReportMeta:
    """What the officer fills in: issuer, number, place, date, signer, recipients, text."""

    issuer: str
    number: str
    symbol: str
    place: str
    date: datetime.date
    signer_title: str
    signer_name: str
    recipients: list[str]
    signer_authority: str = ""
    assessment: str = ""
    directions: str = ""
    party: bool = False  # Party document form (Hướng dẫn 36-HD/VPTW) instead of the State's


def num(value: float) -> str:
    """1.234 and 12,5 (Vietnamese separators)."""
    return charts._num(value)


def percent(value: float) -> str:
    return f"{num(round(value, 1))}%"


def place_date(place: str, day: datetime.date) -> str:
    """ "Đồng Xoài, ngày 05 tháng 02 năm 2018": Nghị định 30 pads days below 10 and
    months below 3 with a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)d") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def number_line(number: str, symbol: str, *, party: bool = False) -> str:
    """ "Số: 25-BC/BDVTU"; a Party document writes "Số 25-BC/BDVTU" (no colon);
    before numbering the number is left blank to be written in by hand."""
    text = _("Số %(number)s-%(symbol)s") if party else _("Số: %(number)s-%(symbol)s")
    return text % {"number": number or "\u00a0" * 6, "symbol": symbol}


def years_filter(f: StatsFilter) -> StatsFilter:
    """The same filter over the last ten calendar years up to the period's end."""
    return replace(
        f,
        start=datetime.date(f.end.year - YEARS_BACK, 1, 1),
        end=datetime.date(f.end.year, 12, 31),
    )


def trimmed_years(rows: list[YearRow]) -> list[YearRow]:
    """Leading years without any class are left out of charts and tables."""
    for index, row in enumerate(rows):
        if row.classes or row.person_times:
            return rows[index:]
    return rows[-1:]


def year_chart(rows: list[YearRow], title: str) -> str:
    """A line through the years (bars for one or two years), the record year in red."""
    record = next((i for i, r in enumerate(rows) if r.is_record), None)
    draw = charts.line_chart if len(rows) >= 3 else charts.bar_chart
    return draw(
        title,
        [charts.point(str(r.year), r.trainees) for r in rows],
        highlight=record,
        highlight_note=_("Cao nhất"),
        empty=_("Chưa có số liệu."),
    )


def breakdown_chart(rows: list[Row], title: str) -> str:
    """Completed and not (yet) completed person-times per line, stacked."""
    return charts.hbar_chart(
        title,
        [charts.point(r.label, r.completions, r.person_times - r.completions) for r in rows],
        series=[_("Hoàn thành"), _("Chưa hoàn thành")],
        empty=_("Chưa có số liệu."),
    )


def _breakdown_table(caption: str, first: str, rows: list[Row]) -> Part:
    return table(
        caption,
        [first, _("Số lớp"), _("Số người"), _("Lượt người"), _("Hoàn thành"), _("Tỉ lệ")],
        [
            [
                r.label,
                num(r.classes),
                num(r.trainees),
                num(r.person_times),
                num(r.completions),
                percent(r.completion_rate),
            ]
            for r in rows
        ],
        widths=[3.2, 1, 1.1, 1.1, 1.2, 1],
    )


def _record_sentence(years: list[YearRow], year: int) -> str:
    current = next((r for r in years if r.year == year), None)
    earlier = [r for r in years if r.year < year and r.trainees]
    if current is None or not current.trainees:
        return ""
    if current.is_record and earlier:
        return _(
            "Đây là năm có số cán bộ được bồi dưỡng nhiều nhất từ trước đến nay "
            "(năm cao nhất trước đó là năm %(year)d với %(n)s người)."
        ) % {
            "year": max(earlier, key=lambda r: (r.trainees, -r.year)).year,
            "n": num(max(r.trainees for r in earlier)),
        }
    if current.is_record:
        return _("Đây là năm có số cán bộ được bồi dưỡng nhiều nhất từ trước đến nay.")
    previous = next((r for r in reversed(earlier) if r.year == year - 1), None)
    if previous is not None:
        change = current.trainees - previous.trainees
        word = _("tăng") if change >= 0 else _("giảm")
        return _("So với năm %(prev)d (%(n)s người), số người được bồi dưỡng %(word)s %(d)s.") % {
            "prev": previous.year,
            "n": num(previous.trainees),
            "word": word,
            "d": num(abs(change)),
        }
    return ""


def build_report(user: Any, f: StatsFilter, meta: ReportMeta) -> ResultsReport:
    """The whole report for `user` over `f`; about twenty queries whatever the data size."""
    period = period_label(f)
    total = selectors.summary(user, f)
    years = selectors.by_year(user, years_filter(f))
    categories = selectors.breakdown(user, f, "category")
    units = selectors.breakdown(user, f, "unit")
    levels = selectors.breakdown(user, f, "level")
    load = selectors.lecturer_load(user, f)
    topics = selectors.breakdown(user, f, "topic")
    where = f.territory.name if f.territory is not None else meta.issuer

    results: list[Part] = [subheading(_("1. Số lớp, số học viên"))]
    trainees = total.trainees + total.reported_only
    results.append(
        paragraph(
            _(
                "Trong %(period)s, trên địa bàn %(where)s đã tổ chức %(classes)s lớp bồi dưỡng, "
                "tập huấn nghiệp vụ công tác dân vận cho %(trainees)s cán bộ (%(times)s lượt "
                "người); %(done)s lượt học viên hoàn thành chương trình, đạt %(rate)s."
            )
            % {
                "period": period,
                "where": where,
                "classes": num(total.classes),
                "trainees": num(trainees),
                "times": num(total.person_times + total.reported_only),
                "done": num(total.completions),
                "rate": percent(total.completion_rate),
            }
        )
    )
    if total.reported_only:
        results.append(
            paragraph(
                _("Trong đó %(n)s học viên thuộc các lớp chỉ báo cáo tổng số, chưa có danh sách.")
                % {"n": num(total.reported_only)}
            )
        )
    record = _record_sentence(years, f.end.year) if f.start.year == f.end.year else ""
    if record:
        results.append(paragraph(record))
    if total.plans:
        results.append(
            paragraph(
                _(
                    "So với kế hoạch: tổ chức %(held)s/%(target)s lớp; bồi dưỡng %(actual)s/"
                    "%(trainees)s lượt học viên theo chỉ tiêu."
                )
                % {
                    "held": num(total.classes_planned_held),
                    "target": num(total.classes_target),
                    "actual": num(total.trainees_planned_actual),
                    "trainees": num(total.trainees_target),
                }
            )
        )
        results.append(
            table(
                _("Bảng 1. Thực hiện kế hoạch"),
                [_("Kế hoạch"), _("Lớp theo KH"), _("Lớp đã mở"), _("Chỉ tiêu"), _("Đạt")],
                [
                    [
                        f"{p.reference} – {p.title}",
                        num(p.classes_target),
                        num(p.classes_held),
                        num(p.trainees_target),
                        num(p.trainees_actual),
                    ]
                    for p in total.plans
                ],
                widths=[4, 1, 1, 1, 1],
            )
        )
    targets = category_targets(user, f)
    if targets:
        items = "; ".join(
            _("%(category)s %(actual)s/%(target)s người (%(percent)s)")
            % {
                "category": t.category.lower(),
                "actual": num(t.actual),
                "target": num(t.target),
                "percent": percent(t.percent),
            }
            for t in targets
        )
        results.append(paragraph(_("Chỉ tiêu theo đối tượng: %(items)s.") % {"items": items}))
    results.append(subheading(_("2. Đối tượng được bồi dưỡng")))
    results.append(
        _breakdown_table(_("Bảng 2. Kết quả theo đối tượng"), _("Đối tượng"), categories)
    )
    if categories:
        results.append(
            chart(
                breakdown_chart(categories, _("Học viên theo đối tượng")),
                _("Biểu đồ học viên theo đối tượng"),
            )
        )
    results.append(subheading(_("3. Theo địa bàn và cấp tổ chức")))
    results.append(_breakdown_table(_("Bảng 3. Kết quả theo địa bàn"), _("Địa bàn"), units))
    results.append(_breakdown_table(_("Bảng 4. Kết quả theo cấp tổ chức lớp"), _("Cấp"), levels))
    shown_years = trimmed_years(years)
    results.append(subheading(_("4. So sánh qua các năm")))
    results.append(
        chart(
            year_chart(shown_years, _("Số cán bộ được bồi dưỡng qua các năm")),
            _("Biểu đồ số cán bộ được bồi dưỡng qua các năm"),
        )
    )
    results.append(
        table(
            _("Bảng 5. Kết quả qua các năm"),
            [_("Năm"), _("Số lớp"), _("Số người"), _("Lượt người"), _("Hoàn thành")],
            [
                [
                    f"{r.year} ({_('cao nhất')})" if r.is_record else str(r.year),
                    num(r.classes),
                    num(r.trainees),
                    num(r.person_times),
                    num(r.completions),
                ]
                for r in shown_years
            ],
            widths=[2, 1, 1, 1, 1],
        )
    )
    results.append(subheading(_("5. Chuyên đề và báo cáo viên")))
    if topics:
        results.append(
            paragraph(
                _("Các lớp đã học %(n)s chuyên đề: %(titles)s.")
                % {
                    "n": num(len([t for t in topics if t.key is not None])),
                    "titles": "; ".join(f"“{t.label}”" for t in topics if t.key is not None),
                }
            )
        )
    results.append(
        table(
            _("Bảng 6. Báo cáo viên"),
            [_("Báo cáo viên"), _("Chuyên đề"), _("Số lớp"), _("Số buổi"), _("Số giờ")],
            [
                [r.name, "; ".join(r.topics), num(r.classes), num(r.sessions), num(r.hours)]
                for r in load
            ],
            widths=[2.2, 4, 0.9, 0.9, 0.9],
        )
    )

    sections = [Section(_("I. KẾT QUẢ THỰC HIỆN"), results)]
    if meta.assessment.strip():
        sections.append(
            Section(_("II. NHẬN XÉT, ĐÁNH GIÁ"), [paragraph(p) for p in _paras(meta.assessment)])
        )
    if meta.directions.strip():
        heading = (
            _("III. PHƯƠNG HƯỚNG, NHIỆM VỤ")
            if meta.assessment.strip()
            else _("II. PHƯƠNG HƯỚNG, NHIỆM VỤ")
        )
        sections.append(Section(heading, [paragraph(p) for p in _paras(meta.directions)]))

    superior, issuer = header_lines(meta.issuer)
    return ResultsReport(
        author=meta.issuer,
        header_superior=superior,
        header_org=issuer,
        number=number_line(meta.number, meta.symbol, party=meta.party),
        party=meta.party,
        place_date=place_date(meta.place, meta.date),
        heading=_("BÁO CÁO"),
        title=_("Kết quả công tác bồi dưỡng, tập huấn nghiệp vụ công tác dân vận %(period)s")
        % {"period": period},
        sections=sections,
        recipients=meta.recipients,
        signer_authority=[meta.signer_authority.upper()] if meta.signer_authority else [],
        signer_title=meta.signer_title.upper(),
        signer_name=meta.signer_name,
    )


def _paras(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
