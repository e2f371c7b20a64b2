"""The rest of the country around the measured province (`bench.run --national`), written with
PostgreSQL COPY (psycopg) instead of bulk_create: provinces, their units and clusters, every
cluster year with its criteria table (5 majors, `criteria` leaves), every member's sheet and score
entries, some bonus/deduction; the subtotals are built afterwards with the others.

Ids are reserved by moving each table's identity sequence past the rows written (the database is
the bench's own; nothing else writes to it meanwhile). Columns not given are filled from the
model's defaults, so a field added later with a default does not break the copy. Not generated
here (the measured province has them): audit events, pledges, polls, users of these provinces."""

import datetime
from decimal import Decimal

from .common import MAJORS, person, place

POINTS = (Decimal("1.50"), Decimal("1.75"), Decimal("2.00"), Decimal("2.00"), Decimal("1.25"))


def _text(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _plan(model, given, now):
    """The given columns (field names, in order) then every other concrete column of the model
    with its default, as one constant text suffix."""
    by_name = {f.name: f for f in model._meta.concrete_fields}
    by_name.update({f.attname: f for f in model._meta.concrete_fields})
    columns = [by_name[name].column for name in given]
    rest, suffix = [], []
    for f in model._meta.concrete_fields:
        if f.column in columns:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        elif f.has_default():
            default = f.get_default()
            default = getattr(default, "value", default)
        elif f.null:
            default = None
        elif f.get_internal_type() in ("CharField", "TextField", "SlugField"):
            default = ""
        else:
            raise ValueError(f"{model.__name__}.{f.name}: no value and no default")
        rest.append(f.column)
        suffix.append(_text(default))
    return columns + rest, ("\t" + "\t".join(suffix) if suffix else "") + "\n"


def _copy(cursor, model, given, rows, now, chunk=20000):
    """COPY rows (tuples in the order of `given`, field names) into the model's table, in text
    format: the given values formatted per row, the defaults once."""
    columns, suffix = _plan(model, given, now)
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    n, buf = 0, []
    with cursor.copy(sql) as copy:
        for row in rows:
            buf.append("\t".join(map(_text, row)) + suffix)
            n += 1
            if len(buf) >= chunk:
                copy.write("".join(buf))
                buf = []
        if buf:
            copy.write("".join(buf))
    return n


class Ids:
    """Consecutive ids for a table: the sequence is moved past them first."""

    def __init__(self, cursor, model, count):
        table = model._meta.db_table
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's table
        self.first = cursor.fetchone()[0] + 1
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, self.first + count - 1])
        self.next = self.first

    def take(self):
        self.next += 1
        return self.next - 1


def country(w, *, provinces, clusters, units, criteria):
    """Add provinces 2..`provinces` with the clusters and units the measured province does not
    have (`clusters`, `units` are the country's totals), over the same years."""
    from django.db import connection

    M, now, rng = w.M, w.now, w.rng
    extra_p = provinces - 1
    extra_c = max(0, clusters - len(w.cluster_objs))
    extra_u = max(0, units - len(w.unit_objs))
    if extra_p <= 0 or extra_c <= 0:
        return {}
    raw = connection.connection  # the psycopg connection, inside Django's transaction
    counts = {}
    with raw.cursor() as cur:
        prov = Ids(cur, M["Province"], extra_p)
        province_rows = [
            (prov.take(), f"tinh-{p:02d}", f"Tỉnh {place(p * 7)} {p:02d}", f"{place(p * 7)} {p:02d}")
            for p in range(extra_p)
        ]
        counts["provinces"] = _copy(
            cur, M["Province"], ["id", "code", "name", "place_name"], province_rows, now
        )
        unit_ids = Ids(cur, M["Unit"], extra_u)
        unit_rows, units_of = [], [[] for _ in range(extra_p)]
        for i in range(extra_u):
            p = i % extra_p
            uid = unit_ids.take()
            units_of[p].append(uid)
            kind = "phuong" if i % 4 == 0 else "xa"
            label = "Phường" if kind == "phuong" else "Xã"
            unit_rows.append(
                (
                    uid,
                    province_rows[p][0],
                    f"q-{i:05d}",
                    kind,
                    f"{label} {place(i)} {i:05d}",
                    f"{place(i)} {i:05d}",
                    person(rng),
                )
            )
        counts["units"] = _copy(
            cur,
            M["Unit"],
            ["id", "province", "code", "kind", "name", "short_name", "leader_name"],
            unit_rows,
            now,
        )
        w.timer.step("national: provinces and units (COPY)", extra_p + extra_u)
        cl_ids = Ids(cur, M["Cluster"], extra_c)
        cluster_rows, members = [], []
        per_p = [extra_c // extra_p + (1 if p < extra_c % extra_p else 0) for p in range(extra_p)]
        for p, n in enumerate(per_p):
            pid = province_rows[p][0]
            for k in range(n):
                cid = cl_ids.take()
                cluster_rows.append(
                    (
                        cid,
                        pid,
                        f"cum-{k + 1:02d}",
                        f"Cụm thi đua số {k + 1:02d}",
                        "UBND tỉnh",
                        province_rows[p][3],
                        "UBND",
                    )
                )
                members.append((cid, units_of[p][k::n] if n else []))
        given = ["id", "province", "code", "name", "governing_body", "place_name", "number_symbol"]
        counts["clusters"] = _copy(cur, M["Cluster"], given, cluster_rows, now)
        counts.update(_years_and_scores(cur, w, members, criteria))
    return counts


def _years_and_scores(cur, w, members, criteria):
    M, now, rng = w.M, w.now, w.rng
    years = w.year_list
    n_cy = len(members) * len(years)
    cy_ids, mem_ids = Ids(cur, M["ClusterYear"], n_cy), None
    cy_rows, cy_members = [], []
    for cid, unit_list in members:
        for y in years:
            cy = cy_ids.take()
            stage = "closed" if y < w.this_year else "scoring"
            cy_rows.append((cy, cid, y, stage, datetime.date(y, 11, 30), datetime.date(y, 12, 15)))
            cy_members.append((cy, y, unit_list))
    given = ["id", "cluster", "year", "stage", "scoring_deadline", "voting_deadline"]
    counts = {"cluster_years": _copy(cur, M["ClusterYear"], given, cy_rows, now)}
    n_mem = sum(len(u) for _c, _y, u in cy_members)
    mem_ids = Ids(cur, M["Membership"], n_mem)
    roles = lambda j: "head" if j == 0 else ("deputy" if j == 1 else "member")  # noqa: E731
    counts["memberships"] = _copy(
        cur,
        M["Membership"],
        ["id", "cluster_year", "unit", "role"],
        ((mem_ids.take(), cy, u, roles(j)) for cy, _y, us in cy_members for j, u in enumerate(us)),
        now,
    )
    w.timer.step("national: clusters, cluster years, memberships (COPY)", n_cy + n_mem)
    t_ids = Ids(cur, M["CriteriaTable"], n_cy)
    tables = [(t_ids.take(), cy, y) for cy, y, _u in cy_members]
    _copy(
        cur,
        M["CriteriaTable"],
        ["id", "cluster_year", "title", "locked", "locked_at"],
        (
            (t, cy, f"Bảng tiêu chí {y}", y < w.this_year, now if y < w.this_year else None)
            for t, cy, y in tables
        ),
        now,
    )
    c_ids = Ids(cur, M["Criterion"], n_cy * (MAJORS + criteria))
    crit_rows, leaves_of = [], {}
    for t, cy, _y in tables:
        majors = [c_ids.take() for _m in range(MAJORS)]
        for m, mid in enumerate(majors):
            crit_rows.append(
                (
                    mid,
                    t,
                    None,
                    mid,
                    str(m + 1),
                    f"Tiêu chí lớn {m + 1}",
                    Decimal(2 * criteria // MAJORS),
                    m,
                    False,
                )
            )
        leaves = []
        for k in range(criteria):
            mid = majors[k % MAJORS]
            lid = c_ids.take()
            leaves.append(lid)
            code = f"{k % MAJORS + 1}.{k // MAJORS + 1}"
            crit_rows.append(
                (lid, t, mid, mid, code, f"Hoàn thành chỉ tiêu số {k + 1}", Decimal("2.00"), 100 + k, True)
            )
        leaves_of[cy] = leaves
    given = ["id", "table", "parent", "major", "code", "text", "max_points", "position", "is_leaf"]
    counts["criteria"] = _copy(cur, M["Criterion"], given, crit_rows, now)
    w.timer.step("national: criteria tables (COPY)", n_cy + len(crit_rows))
    s_ids = Ids(cur, M["ScoreSheet"], n_mem)
    sheets = [(s_ids.take(), cy, y, u) for cy, y, us in cy_members for u in us]
    counts["sheets"] = _copy(
        cur,
        M["ScoreSheet"],
        ["id", "cluster_year", "unit", "status", "submitted_at"],
        (
            (s, cy, u, "submitted" if y < w.this_year else "draft", now if y < w.this_year else None)
            for s, cy, y, u in sheets
        ),
        now,
    )
    e_ids = Ids(cur, M["ScoreEntry"], n_mem * criteria)

    def entries():
        for s, cy, _y, _u in sheets:
            for lid in leaves_of[cy]:
                pts = rng.choice(POINTS)
                reviewed = pts - Decimal("0.25") if rng.random() < 0.1 else None
                yield (e_ids.take(), s, lid, pts, reviewed)

    given = ["id", "sheet", "criterion", "self_points", "reviewed_points"]
    counts["score_entries"] = _copy(cur, M["ScoreEntry"], given, entries(), now)
    w.timer.step("national: sheets and score entries (COPY)", len(sheets) + counts["score_entries"])
    adj = [(s, k) for k, (s, _cy, _y, _u) in enumerate(sheets) if k % 7 == 0]
    a_ids = Ids(cur, M["Adjustment"], len(adj))
    counts["adjustments"] = _copy(
        cur,
        M["Adjustment"],
        ["id", "sheet", "kind", "points", "reason"],
        (
            (a_ids.take(), s, "bonus" if k % 2 else "deduction", Decimal("1.00"), "Khen thưởng đột xuất")
            for s, k in adj
        ),
        now,
    )
    return counts
