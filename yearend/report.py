"""The year-end report's narrative (báo cáo tổng kết): drafted from the year's data, edited by
the cluster secretary, then issued (numbered BC in the cluster's register, dated, no longer
editable). One write path per change, atomic and audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import audit
from clusters.closing import refuse_if_closed
from clusters.issuers import cluster_issuer, role_label
from documents import register
from documents.names import in_text

from .models import SummaryReport

SYMBOL = "BC"
SECTION_LABELS = {
    "results": gettext_lazy("Results of the year"),
    "strengths": gettext_lazy("Strengths"),
    "shortcomings": gettext_lazy("Shortcomings and their causes"),
    "lessons": gettext_lazy("Lessons learnt"),
    "direction": gettext_lazy("Direction and tasks for next year"),
}
# the headings in the PDF (Vietnamese, the document's language)
SECTION_HEADINGS = {
    "results": "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM {year}",
    "strengths": "ƯU ĐIỂM",
    "shortcomings": "HẠN CHẾ VÀ NGUYÊN NHÂN",
    "lessons": "BÀI HỌC KINH NGHIỆM",
    "direction": "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {next_year}",
}


def register_subject(cluster_year):
    return f"yearend-report-{cluster_year.pk}"


def _points(value):
    return f"{value:.2f}".replace(".", ",")


def prefill(cluster_year, data):
    """A first draft of each section from the year's figures (`yearend.selectors.summary`).
    Sections that need the secretary's judgement (lessons) start empty."""
    cy, cluster = cluster_year, cluster_year.cluster
    members, head, deputy = data["members"], data["head"], data["deputy"]
    results = [
        f"Năm {cy.year}, {cluster.name} gồm {len(members)} đơn vị thành viên"
        + (f"; {role_label(cluster, 'head')}: {head.display_name}" if head else "")
        + (f"; {role_label(cluster, 'deputy')}: {deputy.display_name}" if deputy else "")
        + "."
    ]
    pledge = data.get("pledge")
    if pledge and pledge.get("signatories"):
        signed = f"{pledge['signed']}/{pledge['members']}"
        results.append(f"Giao ước thi đua năm {cy.year} được {signed} đơn vị thành viên ký kết.")
    ranking = data.get("ranking") or []
    if ranking:
        leaders = ", ".join(f"{r.unit_name} ({_points(r.total)} điểm)" for r in ranking[:3])
        results.append(
            f"Kết quả chấm điểm, xếp hạng: {len(ranking)} đơn vị được chấm điểm; dẫn đầu là {leaders}."
        )
    for r in data.get("results") or []:
        if r.get("proposed"):
            results.append(f"Cụm thống nhất đề nghị {r['award']}: {', '.join(r['proposed'])}.")
    strengths = []
    bonus = [a for a in data.get("adjustments") or [] if a[4] == "bonus"]
    if bonus:
        strengths.append(
            "Các đơn vị có thành tích được cộng điểm thưởng: "
            + "; ".join(f"{unit} ({reason})" for unit, _label, _pts, reason, _kind in bonus)
            + "."
        )
    shortcomings = []
    deductions = [a for a in data.get("adjustments") or [] if a[4] != "bonus"]
    if deductions:
        shortcomings.append(
            "Còn đơn vị bị trừ điểm: "
            + "; ".join(f"{unit} ({reason})" for unit, _label, _pts, reason, _kind in deductions)
            + "."
        )
    for r in ranking:
        if not r.eligible:
            shortcomings.append(
                f"{r.unit_name} không đủ điều kiện đề nghị khen thưởng"
                + (f": {r.ineligible_reason}" if r.ineligible_reason else "")
                + "."
            )
    direction = []
    handover = data.get("handover")
    if handover:
        direction.append(
            f"Năm {handover.next_year.year}, {handover.to_head.name} đảm nhiệm vai trò "
            f"{role_label(cluster, 'head')}"
            + (
                f", {handover.to_deputy.name} là {role_label(cluster, 'deputy')}"
                if handover.to_deputy
                else ""
            )
            + "; các đơn vị thành viên ký kết giao ước thi đua năm sau"
            + " và tiếp tục tổ chức tốt các phong trào thi đua."
        )
    return {
        "results": "\n".join(results),
        "strengths": "\n".join(strengths),
        "shortcomings": "\n".join(shortcomings),
        "lessons": "",
        "direction": "\n".join(direction),
        "recipients": "\n".join(
            [
                f"Ban Thi đua - Khen thưởng {in_text(cluster.province.name)}",
                "Các đơn vị thành viên",
                "Lưu: VT",
            ]
        ),
    }


def report_for(cluster_year, data=None):
    """The saved report, or an unsaved one prefilled from the data."""
    report = SummaryReport.objects.filter(cluster_year=cluster_year).first()
    if report is None:
        report = SummaryReport(cluster_year=cluster_year)
        if data is not None:
            for name, text in prefill(cluster_year, data).items():
                setattr(report, name, text)
    return report


def _require_editor(actor, cluster_year):
    refuse_if_closed(cluster_year, "yearend.edit_report")  # a closed year's report is closed too
    if actor is None or not actor.has_perm("yearend.edit_report", cluster_year):
        raise PermissionDenied


@transaction.atomic
def report_save(*, cluster_year, actor, **sections):
    _require_editor(actor, cluster_year)
    report, _created = SummaryReport.objects.select_for_update().get_or_create(cluster_year=cluster_year)
    if report.issued_at:
        raise ValidationError(_("The report is issued and can no longer be changed."))
    changed = {}
    for name in (*SummaryReport.SECTIONS, "recipients"):
        if name in sections:
            value = "\n".join(line.rstrip() for line in str(sections[name]).strip().splitlines())
            if value != getattr(report, name):
                changed[name] = value
                setattr(report, name, value)
    report.updated_by = actor
    report.save()
    if changed:
        audit.record(
            actor=actor, action="yearend.report_saved", obj=report, data={"sections": sorted(changed)}
        )
    return report


@transaction.atomic
def report_issue(*, cluster_year, actor):
    """Issue the finished report: it takes the next BC number of the cluster's register, dated
    today; the PDF loses its draft marking and the text is frozen."""
    _require_editor(actor, cluster_year)
    report = SummaryReport.objects.select_for_update().filter(cluster_year=cluster_year).first()
    if report is None:
        raise ValidationError(_("Save the report before issuing it."))
    if report.issued_at:
        raise ValidationError(_("The report is already issued."))
    missing = report.missing_sections()
    if missing:
        raise ValidationError(
            _("Write every section before issuing the report; still empty: %(sections)s.")
            % {"sections": ", ".join(str(SECTION_LABELS[name]) for name in missing)}
        )
    report.issued_at, report.issued_by = timezone.now(), actor
    report.save(update_fields=["issued_at", "issued_by"])
    entry = register.take(
        issuer=cluster_issuer(cluster_year.cluster),
        symbol=SYMBOL,
        subject=register_subject(cluster_year),
        title=f"Báo cáo tổng kết công tác thi đua năm {cluster_year.year}",
        on=timezone.localdate(),
        actor=actor,
    )
    audit.record(actor=actor, action="yearend.report_issued", obj=report, data={"number": entry.number})
    return report
