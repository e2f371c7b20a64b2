"""The province's decisions on nominations: one at a time, many at once with one decision, or
many from a spreadsheet (each row its own decision). All three check the same things and write
through `_write`: the province admin of the nomination's province only, a submitted dossier, a
decision number, a known outcome, and for a reduced award a lower award of the same province.
Many at once is all or nothing: one refused nomination and nothing is saved."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit

from .. import notices
from ..models import AwardType, Decision, Dossier, Nomination, Outcome, outcome_text
from ._base import require

FIELDS = ("number", "date", "signer", "outcome", "granted_award", "note")


@dataclass
class Planned:
    """What one decision will do to one nomination: new, changed or unchanged, or why not."""

    nomination: Nomination
    values: dict
    fate: str = "new"  # new | changed | unchanged | error
    errors: list = field(default_factory=list)
    old: dict | None = None
    old_decision: Decision | None = None

    @property
    def outcome_text(self):
        v = self.values
        if v.get("outcome") not in Outcome.values:
            return ""
        granted = v.get("granted_award")
        return outcome_text(v["outcome"], granted.name if granted is not None else "")


def _snapshot(values, *, names=False):
    """The decision's fields as plain values: the award granted by id (to compare) or by name
    (for the audit trail, which is read as words)."""
    granted = values.get("granted_award")
    if granted is not None:
        granted = granted.name if names else granted.pk
    return {
        "number": values["number"],
        "date": values["date"],
        "signer": values.get("signer", ""),
        "outcome": values["outcome"],
        "granted_award": granted,
        "note": values.get("note", ""),
    }


def _decision_values(decision):
    return {f: getattr(decision, f) for f in FIELDS}


def _clean(values):
    """The decision's own fields cleaned, and the list of what is wrong with them."""
    errors = []
    values = {
        "number": str(values.get("number") or "").strip(),
        "date": values.get("date"),
        "signer": str(values.get("signer") or "").strip(),
        "outcome": values.get("outcome"),
        "granted_award": values.get("granted_award"),
        "note": str(values.get("note") or "").strip(),
    }
    if not values["number"]:
        errors.append(_("Enter the decision number."))
    if values["date"] is None:
        errors.append(_("Enter the decision date (dd/mm/yyyy)."))
    if values["outcome"] not in Outcome.values:
        errors.append(_("Choose the outcome."))
    elif values["outcome"] != Outcome.REDUCED:
        values["granted_award"] = None
    elif values["granted_award"] is None:
        errors.append(_("Choose the lower award that was granted instead."))
    return values, errors


def plan(pairs, *, actor):
    """One Planned per (nomination, decision's fields) pair, in order, without writing anything.
    A nomination the actor may not decide on (another province's) raises PermissionDenied."""
    nominations = [n for n, _v in pairs]
    for n in nominations:
        require(actor, "awards.record_decision", n.cluster_year)
    submitted = set(
        Dossier.objects.filter(
            cluster_year_id__in={n.cluster_year_id for n in nominations}, submitted_at__isnull=False
        ).values_list("cluster_year_id", flat=True)
    )
    existing = {
        d.nomination_id: d
        for d in Decision.objects.filter(nomination__in=[n.pk for n in nominations]).select_related(
            "granted_award"
        )
    }
    planned = []
    for n, given in pairs:
        values, errors = _clean(given)
        if n.cluster_year_id not in submitted:
            errors.append(
                _(
                    "The cluster has not submitted its nomination dossier to the province yet: "
                    "a decision needs the submitted dossier."
                )
            )
        granted = values["granted_award"]
        if granted is not None and (
            granted.province_id != n.award_type.province_id or granted.precedence <= n.award_type.precedence
        ):
            errors.append(_("The award granted instead must be a lower award of the same province."))
        item = Planned(nomination=n, values=values, errors=errors)
        old = existing.get(n.pk)
        if errors:
            item.fate = "error"
        elif old is not None:
            item.old, item.old_decision = _snapshot(_decision_values(old)), old
            item.fate = "unchanged" if item.old == _snapshot(values) else "changed"
        planned.append(item)
    return planned


def _write(item, *, actor, source):
    n, values = item.nomination, item.values
    decision, _created = Decision.objects.update_or_create(
        nomination=n, defaults={**values, "recorded_by": actor}
    )
    audit.record(
        actor=actor,
        action="nomination.decided",
        obj=n,
        province_id=n.award_type.province_id,
        data={
            "old": _snapshot(_decision_values(item.old_decision), names=True) if item.old_decision else None,
            "new": _snapshot(values, names=True),
            "source": source,
        },
    )
    notices.decided(n, decision)
    return decision


def _locked(ids):
    return list(
        Nomination.objects.select_for_update(of=("self",))
        .select_related("award_type", "cluster_year__cluster")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _refuse(planned):
    bad = [p for p in planned if p.errors]
    if bad:
        raise ValidationError(
            [f"{p.nomination.unit_name} – {p.nomination.award_type.name}: {e}" for p in bad for e in p.errors]
        )


@transaction.atomic
def decision_record(*, nomination, number, date, outcome, actor, granted_award=None, note="", signer=""):
    """The decision on one nomination."""
    [nomination] = _locked([nomination.pk])
    values = {
        "number": number,
        "date": date,
        "signer": signer,
        "outcome": outcome,
        "granted_award": granted_award,
        "note": note,
    }
    [item] = plan([(nomination, values)], actor=actor)
    if item.errors:
        raise ValidationError(item.errors)
    if item.fate == "unchanged":
        return nomination.decision
    return _write(item, actor=actor, source="form")


@transaction.atomic
def decisions_apply(*, nominations, actor, number, date, outcome, signer="", granted_award=None, note=""):
    """One decision (number, date, signer, outcome) applied to many nominations at once.

    Every nomination must be the actor's province's (else PermissionDenied) and decidable (else
    ValidationError naming each refused one); nothing is saved unless all are. Returns the
    number of decisions written (unchanged ones are not written again)."""
    ids = sorted({getattr(n, "pk", n) for n in nominations})
    if not ids:
        raise ValidationError(_("Choose at least one nomination."))
    locked = _locked(ids)
    if len(locked) != len(ids):
        raise PermissionDenied
    values = {
        "number": number,
        "date": date,
        "signer": signer,
        "outcome": outcome,
        "granted_award": granted_award,
        "note": note,
    }
    planned = plan([(n, values) for n in locked], actor=actor)
    _refuse(planned)
    written = [_write(p, actor=actor, source="bulk") for p in planned if p.fate != "unchanged"]
    return len(written)


@transaction.atomic
def decisions_import(*, rows, actor):
    """Decisions read from a spreadsheet: `rows` = [(row number, nomination id, values)], where
    values holds number, date, signer, outcome, granted award code and note. Rows are checked
    again here (the preview may be stale): any error and nothing is saved."""
    planned = import_plan(rows, actor=actor, lock=True)
    errors = [_("Row %(row)s: %(error)s") % {"row": r, "error": e} for r, p in planned for e in p.errors]
    if errors:
        raise ValidationError(errors)
    written = [_write(p, actor=actor, source="xlsx") for _r, p in planned if p.fate != "unchanged"]
    return len(written)


def import_plan(rows, *, actor, lock=False):
    """[(row number, Planned)] for the rows of an uploaded sheet: what each will do, or why not.
    Nominations outside the actor's province are reported as unknown (their existence is not
    told)."""
    ids = {nid for _r, nid, _v in rows if nid is not None}
    if lock:
        nominations = _locked(ids)
    else:
        related = ("award_type", "cluster_year__cluster")
        nominations = Nomination.objects.select_related(*related).filter(pk__in=ids)
    found = {n.pk: n for n in nominations}
    found = {pk: n for pk, n in found.items() if actor.has_perm("awards.record_decision", n.cluster_year)}
    codes = {t.code: t for t in AwardType.objects.filter(province_id=getattr(actor, "province_id", None))}
    result = []
    pairs, extras, seen = [], [], set()
    for number, nid, values in rows:
        n = found.get(nid)
        if n is None:
            problems = [*values.get("problems", []), _unknown()]
            unknown = Planned(nomination=None, values=values, fate="error", errors=problems)
            result.append((number, unknown))
            continue
        extra = list(values.get("problems", []))
        if nid in seen:
            extra.append(_("This nomination appears on another row as well."))
        seen.add(nid)
        code = values.get("granted_award_code") or ""
        granted = codes.get(code) if code else None
        if code and granted is None:
            extra.append(_("“%(code)s” is not an award code of the province.") % {"code": code})
        result.append((number, None))
        pairs.append((n, {k: v for k, v in values.items() if k in FIELDS} | {"granted_award": granted}))
        extras.append(extra)
    planned = iter(zip(plan(pairs, actor=actor), extras, strict=True))
    out = []
    for number, item in result:
        if item is None:
            item, extra = next(planned)
            item.errors = [*item.errors, *extra]
            if item.errors:
                item.fate = "error"
        out.append((number, item))
    return out


def _unknown():
    return _("No nomination of your province has this ID (download the sheet again).")
