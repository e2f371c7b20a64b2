"""How the scoring events read in a history (registered with clusters.history from ready())."""

from django.utils.translation import gettext_lazy as _

from clusters.history import register_event, register_field

from .models import AdjustmentKind, CriterionKind, TieBreak


def _choice(enum):
    def fmt(value):
        return str(enum(value).label) if value in enum.values else str(value)

    return fmt


def register():
    criterion = {
        "kind": (_("kind of criterion"), _choice(CriterionKind)),
        "text": (_("criterion"), None),
        "max_points": (_("maximum points"), None),
        "target_value": (_("target"), None),
        "guidance": (_("guidance"), None),
    }
    for action, label, extra in [
        ("score.self_saved", _("Self-score saved"), {}),
        ("score.reviewed", _("Score reviewed"), {"self": (_("self-score"), None)}),
        ("bonus.added", _("Bonus points added"), {}),
        ("bonus.removed", _("Bonus points removed"), {"was": (_("reason given"), None)}),
        ("deduction.added", _("Deduction added"), {}),
        ("deduction.removed", _("Deduction removed"), {"was": (_("reason given"), None)}),
        ("sheet.submitted", _("Scores submitted"), {"rows": (_("rows scored"), None)}),
        ("sheet.reopened", _("Sheet returned for correction"), {}),
        ("sheet.eligibility", _("Eligibility changed"), {}),
        (
            "scores.locked",
            _("Scores locked"),
            {
                "unsubmitted": (_("sheets not submitted"), None),
                "missing": (_("units that had not submitted"), None),
            },
        ),
        ("scores.unlocked", _("Scores unlocked"), {}),
        ("evidence.added", _("Evidence added"), {"size": (_("size (bytes)"), None)}),
        ("evidence.removed", _("Evidence removed"), {}),
        ("criterion.added", _("Criterion added"), criterion),
        ("criterion.changed", _("Criterion changed"), criterion),
        ("criterion.removed", _("Criterion removed"), criterion),
        (
            "criteria.replaced",
            _("Criteria table replaced"),
            {"removed": (_("removed"), None), "added": (_("added"), None)},
        ),
        ("tie_break.set", _("Tie-break rule set"), {"rule": (_("rule"), _choice(TieBreak))}),
        ("table.copied_forward", _("Criteria table copied to the next year"), {}),
    ]:
        register_event(action, label, fields=extra, pair=action not in ("reviewer.set",))
    register_event("reviewer.set", _("Cross-checking unit chosen"), pair=False)
    for key, label in [
        ("self", _("self-score")),
        ("reviewed", _("reviewed score")),
        ("achieved", _("achieved")),
        ("target", _("target")),
        ("file", _("file")),
        ("ineligible", _("ineligible")),
    ]:
        register_field(key, label)
    register_field("adjustment_kind", _("kind"), _choice(AdjustmentKind))
