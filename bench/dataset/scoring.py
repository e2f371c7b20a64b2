"""Scoring: a criteria table per cluster year and every member's scored sheet, with audit events."""

import datetime
from decimal import Decimal

from .common import MAJORS, bulk


def scoring(w, *, criteria, audit):
    """Every year up to now is scored, except this year's clusters still at registration; the
    tables of closed and voting years are locked; sheets are submitted except at the scoring stage."""
    scored = [(cy, ids) for cy, ids in w.cy_members if cy.stage != "registration"]
    tables = criteria_tables(w.M, [cy for cy, _ids in scored], criteria)
    w.M["CriteriaTable"].objects.filter(cluster_year__stage__in=["closed", "voting"]).update(
        locked=True, locked_at=w.now
    )
    w.timer.step("criteria tables", len(tables) * (criteria + MAJORS))
    scores(w.M, scored, tables, lambda cy: cy.stage != "scoring", w.admin, w.rng, audit=audit, timer=w.timer)


def criteria_tables(models, years_with_members, n_criteria):
    """A criteria table of `n_criteria` leaves under MAJORS major criteria for each cluster year.
    → {cy.pk: (table, [major], [leaf])}"""
    CriteriaTable, Criterion = models["CriteriaTable"], models["Criterion"]
    tables = bulk(
        CriteriaTable,
        [CriteriaTable(cluster_year=cy, title=f"Bảng tiêu chí {cy.year}") for cy in years_with_members],
    )
    majors = bulk(
        Criterion,
        [
            Criterion(
                table=t,
                code=str(m + 1),
                text=f"Tiêu chí lớn {m + 1}: nhiệm vụ trọng tâm số {m + 1}",
                max_points=Decimal(2 * (n_criteria // MAJORS + (1 if m < n_criteria % MAJORS else 0))),
                position=m,
                is_leaf=False,
            )
            for t in tables
            for m in range(MAJORS)
        ],
    )
    from django.db.models import F

    Criterion.objects.filter(table__in=tables, parent__isnull=True).update(major_id=F("id"))
    for c in majors:
        c.major_id = c.pk
    leaves = []
    for ti, t in enumerate(tables):
        for k in range(n_criteria):
            m = majors[ti * MAJORS + k % MAJORS]
            leaves.append(
                Criterion(
                    table=t,
                    parent=m,
                    major=m,
                    code=f"{m.code}.{k // MAJORS + 1}",
                    text=f"Hoàn thành chỉ tiêu số {k + 1} về phát triển kinh tế, văn hóa và xã hội",
                    guidance="Căn cứ báo cáo của đơn vị và số liệu thống kê.",
                    max_points=Decimal("2.00"),
                    position=100 + k,
                )
            )
    leaves = bulk(Criterion, leaves)
    out = {}
    for ti, t in enumerate(tables):
        cy = years_with_members[ti]
        out[cy.pk] = (
            t,
            majors[ti * MAJORS : (ti + 1) * MAJORS],
            leaves[ti * n_criteria : (ti + 1) * n_criteria],
        )
    return out


def scores(models, cy_members, tables, submitted, admin, rng, audit=True, timer=None):
    """Every member's sheet with every row scored; 10% reviewed; an audit event per entry."""
    from clusters.audit import bulk_append

    ScoreSheet, ScoreEntry, Adjustment, AuditEvent = (
        models["ScoreSheet"],
        models["ScoreEntry"],
        models["Adjustment"],
        models["AuditEvent"],
    )
    now = datetime.datetime.now(datetime.UTC)
    sheets = bulk(
        ScoreSheet,
        [
            ScoreSheet(
                cluster_year=cy,
                unit_id=unit_id,
                status="submitted" if submitted(cy) else "draft",
                submitted_at=now if submitted(cy) else None,
            )
            for cy, unit_ids in cy_members
            for unit_id in unit_ids
        ],
    )
    entries = []
    i = 0
    for cy, unit_ids in cy_members:
        leaves = tables[cy.pk][2]
        for _u in unit_ids:
            sheet = sheets[i]
            i += 1
            for c in leaves:
                pts = Decimal(rng.choice(("1.50", "1.75", "2.00", "2.00", "1.25")))
                reviewed = pts - Decimal("0.25") if rng.random() < 0.1 else None
                entries.append(
                    ScoreEntry(sheet=sheet, criterion=c, self_points=pts, reviewed_points=reviewed, note="")
                )
    entries = bulk(ScoreEntry, entries, batch=5000)
    if timer:
        timer.step("score entries", len(entries))
    bulk(
        Adjustment,
        [
            Adjustment(
                sheet=s,
                kind="bonus" if k % 2 else "deduction",
                points=Decimal("1.00"),
                reason="Khen thưởng đột xuất",
            )
            for k, s in enumerate(sheets)
            if k % 7 == 0
        ],
    )
    if audit:
        province_of = {cy.pk: cy.cluster.province_id for cy, _u in cy_members}
        sheet_province = {s.pk: province_of[s.cluster_year_id] for s in sheets}
        n = 0
        batch = []
        for e in entries:
            batch.append(
                AuditEvent(
                    province_id=sheet_province[e.sheet_id],
                    actor=admin,
                    action="score.self_saved",
                    object_type="scoring.scoreentry",
                    object_id=str(e.pk),
                    data={"criterion": "", "old": {"self": None}, "new": {"self": str(e.self_points)}},
                )
            )
            if len(batch) >= 10000:
                bulk_append(batch)
                n += len(batch)
                batch = []
        bulk_append(batch)
        n += len(batch)
        if timer:
            timer.step("audit events of the scores", n)
    return sheets
