"""How the awards events read in a history (registered with clusters.history from ready())."""

from django.utils.translation import gettext_lazy as _

from clusters.history import register_event

from .models import CouncilRole, Outcome, RoundReason


def _outcome(value):
    return str(Outcome(value).label) if value in Outcome.values else str(value)


def _votes(value):
    """{"Huyện Cát Hải": 7, …} → "Huyện Cát Hải 7; …"."""
    return (
        "; ".join(f"{name} {count}" for name, count in value.items())
        if isinstance(value, dict)
        else str(value)
    )


def _label(enum, value):
    return str(enum(value).label) if value in enum.values else str(value)


def _seats(value):
    """[{"name": …, "role": "chair", …}, …] → "Nguyễn Văn A (Chủ tịch); …"."""
    if not isinstance(value, list):
        return str(value)
    if not value:
        return "—"
    return "; ".join(
        f"{s.get('name', '')} ({_label(CouncilRole, s.get('role'))})" for s in value if isinstance(s, dict)
    )


def register():
    fields = {
        "seats": (_("seats"), None),
        "opens_at": (_("opens"), None),
        "closes_at": (_("closes"), None),
        "electorate": (_("voters"), None),
        "participations": (_("took part"), None),
        "ballots": (_("ballots"), None),
        "abstain": (_("abstentions"), None),
        "votes": (_("votes"), _votes),
        "quorum": (_("quorum reached"), None),
        "proposed": (_("proposed"), None),
        "tied": (_("tied"), None),
        "flagged": (_("to be investigated"), None),
        "number": (_("decision number"), None),
        "date": (_("date"), None),
        "outcome": (_("outcome"), _outcome),
        "signer": (_("signed by"), None),
        "granted_award": (_("award granted instead"), None),
        "precedence": (_("precedence"), None),
        "active": (_("in use"), None),
        "title": (_("title"), None),
        "place": (_("place"), None),
        "not_submitted": (_("chosen although they never submitted their scores"), None),
    }
    for action, label in [
        ("poll.opened", _("Poll opened")),
        ("poll.voted", _("Ballot cast")),
        ("poll.closed", _("Poll closed and counted")),
        ("poll.closed_on_paper", _("Paper ballot count entered")),
        ("poll.published", _("Result published")),
        ("poll.runoff_opened", _("Run-off opened")),
        ("dossier.saved", _("Dossier saved")),
        ("dossier.submitted", _("Dossier sent to the province")),
        ("nomination.report_uploaded", _("Achievement report uploaded")),
        ("nomination.decided", _("Province's decision recorded")),
        ("award_type.created", _("Award type created")),
        ("award_type.changed", _("Award type changed")),
        ("award_rule.saved", _("Award rule saved")),
        ("award_rules.copied", _("Award rules copied to the next year")),
    ]:
        register_event(action, label, fields=fields, pair=action != "nomination.report_uploaded")
    register_event(
        "council.saved",
        _("Council roster saved"),
        value="seats_list",
        fields={"seats_list": (_("council"), _seats)},
    )
    round_fields = {
        **fields,
        "reason": (_("reason"), lambda v: _label(RoundReason, v)),
        "candidates": (_("candidates"), None),
    }
    register_event("poll.round_opened", _("New voting round opened"), fields=round_fields)
    tie_fields = {"chair": (_("chair"), None), "chosen": (_("chosen"), None), "note": (_("note"), None)}
    register_event("poll.tie_decided", _("Tie decided by the chair"), fields=tie_fields)
