"""What an upload would do: every row's fate (new, changed, unchanged, error with its reason),
computed against the province as it is with a fixed number of queries (everything looked up in
memory). The same plan is computed again inside apply's transaction."""

import hashlib
import json
from dataclasses import dataclass, field

from ..models import Cluster, ClusterYear, Membership, Stage, Unit, User
from . import checks
from .layout import ACCOUNTS, CLUSTERS, MEMBERS, SHEETS, UNITS

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


@dataclass
class RowPlan:
    sheet: str
    number: int
    label: str
    fate: str = UNCHANGED
    changes: list = field(default_factory=list)  # [(column, old, new)]
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # cleaned values for apply
    target: object = None  # the existing object, when there is one

    def error(self, message):
        self.errors.append(message)
        self.fate = ERROR


@dataclass
class Plan:
    province: object
    actor: object
    rows: dict = field(default_factory=dict)  # sheet key → [RowPlan]
    # the province as found (filled by load(), shared by the checks and apply)
    units: dict = field(default_factory=dict)  # code → Unit
    clusters: dict = field(default_factory=dict)  # code → Cluster
    years: dict = field(default_factory=dict)  # (cluster code, year) → ClusterYear
    memberships: dict = field(default_factory=dict)  # (cluster year pk, unit pk) → Membership
    roles_by_year: dict = field(default_factory=dict)  # cluster year pk → {role: Membership}
    users: dict = field(default_factory=dict)  # username → User (any province)
    elsewhere: set = field(default_factory=set)  # unit codes found only in other provinces
    on_closed_record: set = field(default_factory=set)  # ids of the file's units in a closed year

    @property
    def ok(self):
        return not self.error_count

    def count(self, fate):
        return sum(1 for rows in self.rows.values() for r in rows if r.fate == fate)

    count_new = property(lambda self: self.count(NEW))
    count_changed = property(lambda self: self.count(CHANGED))
    count_unchanged = property(lambda self: self.count(UNCHANGED))

    @property
    def error_count(self):
        return self.count(ERROR)

    @property
    def change_count(self):
        return self.count(NEW) + self.count(CHANGED)

    def sheets(self):
        """[(sheet name, rows to list, {fate: count})] in the workbook's order, for the preview.
        Unchanged rows without a note are only counted: a province's whole workbook is mostly
        unchanged rows, and listing them all cost a quarter of the preview's time."""
        out = []
        for key, (name, _columns) in SHEETS.items():
            if key in self.rows:
                rows = self.rows[key]
                counts = {f: sum(1 for r in rows if r.fate == f) for f in (NEW, CHANGED, UNCHANGED, ERROR)}
                listed = [r for r in rows if r.fate != UNCHANGED or r.notes]
                counts["hidden"] = len(rows) - len(listed)
                out.append((name, listed, counts))
        return out

    def digest(self):
        """A fingerprint of what the preview showed: apply refuses when the plan it computes differs."""
        data = [
            (k, r.number, r.fate, [list(map(str, c)) for c in r.changes])
            for k, rows in sorted(self.rows.items())
            for r in rows
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _codes(sheets, key, column):
    return {row.values.get(column, "") for row in sheets.get(key, ())} - {""}


def load(plan, sheets, *, lock=False):
    """The province's current state for the codes the file names: a fixed number of queries."""
    province = plan.province
    units = Unit.objects.filter(province=province).select_related("parent")
    if lock:
        units = units.select_for_update(of=("self",))
    plan.units = {u.code: u for u in units}
    plan.clusters = {c.code: c for c in Cluster.objects.filter(province=province)}
    named = (
        _codes(sheets, UNITS, "parent") | _codes(sheets, MEMBERS, "unit") | _codes(sheets, ACCOUNTS, "unit")
    )
    named |= _codes(sheets, UNITS, "code")
    unknown = named - set(plan.units)
    if unknown:
        plan.elsewhere = set(
            Unit.objects.exclude(province=province).filter(code__in=unknown).values_list("code", flat=True)
        )
    listed = [plan.units[c].pk for c in _codes(sheets, UNITS, "code") if c in plan.units]
    if listed:  # their names and types on a closed year's record change only by a dated rename
        plan.on_closed_record = set(
            Membership.objects.filter(unit_id__in=listed, cluster_year__stage=Stage.CLOSED).values_list(
                "unit_id", flat=True
            )
        )
    years = {checks.year_of(r.values.get("year", "")) for r in sheets.get(MEMBERS, ())} - {None}
    if years and plan.clusters:
        qs = ClusterYear.objects.filter(cluster__province=province, year__in=years).select_related("cluster")
        if lock:
            qs = qs.select_for_update(of=("self",))
        plan.years = {(cy.cluster.code, cy.year): cy for cy in qs}
        for m in Membership.objects.filter(cluster_year__in=[cy.pk for cy in plan.years.values()]):
            plan.memberships[(m.cluster_year_id, m.unit_id)] = m
            if m.role != "member":
                plan.roles_by_year.setdefault(m.cluster_year_id, {})[m.role] = m
    usernames = _codes(sheets, ACCOUNTS, "username")
    if usernames:
        qs = User.objects.filter(username__in=usernames).select_related("unit").prefetch_related("roles")
        plan.users = {u.username: u for u in qs}


def make(*, province, actor, sheets, lock=False):
    """The plan of `sheets` (from reader.read) for `province`, acted on by `actor`."""
    plan = Plan(province=province, actor=actor)
    load(plan, sheets, lock=lock)
    for key, check in (
        (UNITS, checks.unit_rows),
        (CLUSTERS, checks.cluster_rows),
        (MEMBERS, checks.member_rows),
        (ACCOUNTS, checks.account_rows),
    ):
        if key in sheets:
            plan.rows[key] = []
            for row in sheets[key]:
                rp = RowPlan(sheet=key, number=row.number, label="")
                for problem in row.problems:
                    rp.error(problem)
                plan.rows[key].append(rp)
            check(plan, sheets[key], plan.rows[key])
    for rows in plan.rows.values():
        for rp in rows:
            if rp.fate != ERROR and rp.target is None:
                rp.fate = NEW
            elif rp.fate != ERROR and rp.changes:
                rp.fate = CHANGED
    return plan
