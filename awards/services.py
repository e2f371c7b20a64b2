"""Every write about awards: one function per state change, atomic, audited.

Ballot secrecy: `ballot_cast` writes a Participation (who) and a Ballot (what) that share no key;
the audit event "poll.voted" names the voter but never the ballot or its receipt."""

import hashlib
import random
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import ClusterYear, Role, Stage, User

from . import counting, selectors
from .models import (
    AwardRule,
    AwardType,
    Ballot,
    BallotChoice,
    Decision,
    Dossier,
    Elector,
    ElectorateKind,
    Nomination,
    Outcome,
    Participation,
    Poll,
    PollCandidate,
    PollStatus,
)


class VoteRefused(ValidationError):
    """A vote that is not accepted (outside the window or the electorate, a second vote, …)."""


RULE_FIELDS = [
    "min_total",
    "max_rank",
    "leading_unit_only",
    "allow_with_higher_award",
    "quota_kind",
    "quota_count",
    "quota_num",
    "quota_den",
    "rounding",
    "threshold_num",
    "threshold_den",
    "threshold_base",
    "threshold_strict",
    "quorum_num",
    "quorum_den",
    "secret",
]
_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# ---------------------------------------------------------------------------------------------
# Award types and rules (province admin)


@transaction.atomic
def award_type_save(*, province, actor, code, name, precedence, active=True, award_type=None):
    clash = AwardType.objects.filter(province=province, code=code)
    if award_type is not None:
        clash = clash.exclude(pk=award_type.pk)
    if clash.exists():
        raise ValidationError(_("An award type with code “%(code)s” already exists.") % {"code": code})
    new = {"code": code, "name": name, "precedence": precedence, "active": active}
    if award_type is None:
        award_type = AwardType.objects.create(province=province, **new)
        audit.record(actor=actor, action="award_type.created", obj=award_type, data=new)
        return award_type
    award_type = AwardType.objects.select_for_update().get(pk=award_type.pk, province=province)
    old = {k: getattr(award_type, k) for k in new}
    for k, v in new.items():
        setattr(award_type, k, v)
    award_type.save()
    audit.record(actor=actor, action="award_type.changed", obj=award_type, data={"old": old, "new": new})
    return award_type


def _check_rule(data):
    kind = data.get("quota_kind")
    if kind == "fixed" and not data.get("quota_count"):
        raise ValidationError(_("Enter the number of units for a fixed quota."))
    if kind in ("share_members", "share_remaining"):
        num, den = data.get("quota_num"), data.get("quota_den")
        if not num or not den or num > den:
            raise ValidationError(_("Enter the share as a fraction between 0 and 1, e.g. 1/2."))
    for label, num, den in (
        (_("vote threshold"), data.get("threshold_num"), data.get("threshold_den")),
        (_("quorum"), data.get("quorum_num"), data.get("quorum_den")),
    ):
        if num is None or not den or num > den:
            raise ValidationError(_("The %(what)s must be a fraction between 0 and 1.") % {"what": label})


@transaction.atomic
def rule_save(*, cluster_year, award_type, actor, **data):
    """Create or change the rule of an award for a year. Polls already opened keep the rule they
    were opened with (a copy is frozen in each poll)."""
    if award_type.province_id != cluster_year.cluster.province_id:
        raise ValidationError(_("The award type belongs to another province."))
    data = {k: data.get(k) for k in RULE_FIELDS if k in data}
    _check_rule(data)
    rule = (
        AwardRule.objects.select_for_update().filter(cluster_year=cluster_year, award_type=award_type).first()
    )
    if rule is None:
        rule = AwardRule(cluster_year=cluster_year, award_type=award_type)
        old = None
    else:
        old = {k: getattr(rule, k) for k in data}
    for k, v in data.items():
        setattr(rule, k, v)
    rule.save()
    audit.record(
        actor=actor,
        action="award_rule.saved",
        obj=cluster_year,
        province_id=award_type.province_id,
        data={"award": award_type.code, "old": old, "new": data},
    )
    return rule


# ---------------------------------------------------------------------------------------------
# Opening a poll (the cluster secretary)


def higher_awards_pending(cluster_year, award_type):
    """Names of higher awards of the year whose vote is not finished (published, no run-off left)."""
    pending = []
    rules = AwardRule.objects.filter(
        cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence
    ).select_related("award_type")
    polls = {}
    for p in Poll.objects.filter(cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence):
        polls.setdefault(p.award_type_id, []).append(p)
    for rule in rules:
        chain = sorted(polls.get(rule.award_type_id, []), key=lambda p: p.round)
        last = chain[-1] if chain else None
        if (
            last is None
            or last.status != PollStatus.PUBLISHED
            or (last.runoff_seats and last.candidates.filter(tied=True).exists())
        ):
            pending.append(rule.award_type.name)
    return pending


def _units_proposed_higher(cluster_year, award_type):
    return set(
        Nomination.objects.filter(
            cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence
        ).values_list("unit_id", flat=True)
    )


def poll_seats(cluster_year, rule):
    members = cluster_year.memberships.count()
    return counting.quota(
        rule.snapshot(),
        members=members,
        awarded_higher=len(_units_proposed_higher(cluster_year, rule.award_type)),
    )


def _check_window(opens_at, closes_at):
    if opens_at is None or closes_at is None:
        raise ValidationError(_("Enter the opening and closing time."))
    if closes_at <= opens_at:
        raise ValidationError(_("The poll must close after it opens."))
    if closes_at <= timezone.now():
        raise ValidationError(_("The closing time is already past."))


def _electors(cluster_year, electorate_kind, voters):
    roles = selectors.unit_roles(cluster_year)
    voters = list(voters)
    if not voters:
        raise ValidationError(_("Choose at least one voter."))
    province_id = cluster_year.cluster.province_id
    rows, seen_units = [], set()
    for user in voters:
        if user.province_id != province_id:
            raise ValidationError(_("%(name)s belongs to another province.") % {"name": user})
        unit_id = None
        if electorate_kind == ElectorateKind.UNITS:
            if user.unit_id not in roles:
                raise ValidationError(_("%(name)s does not represent a member unit.") % {"name": user})
            if user.unit_id in seen_units:
                raise ValidationError(
                    _("One voter per member unit: %(name)s's unit already has a voter.") % {"name": user}
                )
            seen_units.add(user.unit_id)
            unit_id = user.unit_id
        elif not user.has_role(Role.COUNCIL_MEMBER):
            raise ValidationError(_("%(name)s is not a council member.") % {"name": user})
        rows.append((user, unit_id))
    return rows


@transaction.atomic
def poll_open(
    *,
    cluster_year,
    award_type,
    title,
    opens_at,
    closes_at,
    electorate_kind,
    voters,
    candidate_units,
    actor,
    check_stage=True,
):
    """Open the main poll of an award: candidates the rules allow, the electorate, the window."""
    cy = ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)
    if check_stage and cy.stage != Stage.VOTING:
        raise ValidationError(_("Polls can only be opened while the year is at the review and voting stage."))
    rule = (
        AwardRule.objects.filter(cluster_year=cy, award_type=award_type).select_related("award_type").first()
    )
    if rule is None:
        raise ValidationError(_("The province has not set the rule of this award for this year."))
    if Poll.objects.filter(cluster_year=cy, award_type=award_type, parent__isnull=True).exists():
        raise ValidationError(_("A poll for this award already exists this year."))
    pending = higher_awards_pending(cy, award_type)
    if pending:
        raise ValidationError(
            _("Decide the higher awards first: %(awards)s.") % {"awards": ", ".join(pending)}
        )
    _check_window(opens_at, closes_at)
    seats = poll_seats(cy, rule)
    if seats <= 0:
        raise ValidationError(
            _("The quota of this award is zero for this year: there is nothing to vote on.")
        )
    allowed = {c.unit_id: c for c in selectors.candidate_options(cy, rule) if c.allowed}
    units = list(candidate_units)
    if not units:
        raise ValidationError(_("Choose at least one candidate."))
    for unit in units:
        if unit.pk not in allowed:
            raise ValidationError(_("%(unit)s cannot be a candidate for this award.") % {"unit": unit.name})
    electors = _electors(cy, electorate_kind, voters)
    poll = Poll.objects.create(
        cluster_year=cy,
        award_type=award_type,
        title=title or award_type.name,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_kind=electorate_kind,
        quota=seats,
        rule=rule.snapshot(),
        secret=rule.secret,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    PollCandidate.objects.bulk_create(
        [
            PollCandidate(
                poll=poll,
                unit=u,
                name=allowed[u.pk].name,
                position=i,
                total=allowed[u.pk].total,
                rank=allowed[u.pk].rank,
            )
            for i, u in enumerate(
                sorted(units, key=lambda u: (allowed[u.pk].rank or 999, allowed[u.pk].name))
            )
        ]
    )
    Elector.objects.bulk_create([Elector(poll=poll, user=u, unit_id=unit_id) for u, unit_id in electors])
    audit.record(
        actor=actor,
        action="poll.opened",
        obj=poll,
        province_id=cy.cluster.province_id,
        data={
            "award": award_type.code,
            "seats": seats,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "candidates": [u.pk for u in units],
            "voters": [u.pk for u, _x in electors],
            "rule": rule.snapshot(),
        },
    )
    return poll


# ---------------------------------------------------------------------------------------------
# Voting


def _receipt_code():
    raw = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code):
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def _when(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def window_problem(poll, now=None):
    """Why a vote cannot be cast in this poll right now (closed, not yet open, over), or None."""
    now = now or timezone.now()
    if poll.status != PollStatus.OPEN:
        return _("This poll is closed; votes are no longer accepted.")
    if now < poll.opens_at:
        return _("Voting has not started yet: it opens at %(at)s.") % {"at": _when(poll.opens_at)}
    if now >= poll.closes_at:
        return _("Voting ended at %(at)s; your vote cannot be accepted.") % {"at": _when(poll.closes_at)}
    return None


@transaction.atomic
def ballot_cast(*, poll, user, candidate_ids=(), abstain=False):
    """Cast one ballot; returns the receipt code (shown once, never stored in clear).

    The voter's Elector row is locked first, so parallel submissions by one person queue up and
    all but the first find the Participation; the unique constraint is the last line of defence.
    `poll_close` locks the same rows, so no vote slips in while a poll is being counted. Polls are
    locked FOR NO KEY UPDATE, which does not block the foreign-key checks (FOR KEY SHARE) of the
    Participation and Ballot inserts — a plain FOR UPDATE deadlocks a vote racing the close."""
    elector = Elector.objects.select_for_update().filter(poll_id=poll.pk, user_id=user.pk).first()
    poll = Poll.objects.select_related("cluster_year__cluster").get(pk=poll.pk)
    if elector is None:
        raise VoteRefused(
            _("You are not on the list of voters of this poll, so your vote cannot be accepted.")
        )
    problem = window_problem(poll)
    if problem:
        raise VoteRefused(problem)
    if Participation.objects.filter(poll_id=poll.pk, user_id=user.pk).exists():
        raise VoteRefused(_("You have already voted in this poll. Each voter has exactly one ballot."))
    try:
        ids = {int(i) for i in candidate_ids}
    except (TypeError, ValueError) as exc:
        raise VoteRefused(_("The ballot names someone who is not a candidate in this poll.")) from exc
    valid = set(poll.candidates.values_list("pk", flat=True))
    if not ids <= valid:
        raise VoteRefused(_("The ballot names someone who is not a candidate in this poll."))
    if abstain and ids:
        raise VoteRefused(_("Either abstain or choose candidates, not both."))
    if not abstain and not ids:
        raise VoteRefused(_("Choose at least one candidate, or abstain."))
    if len(ids) > poll.quota:
        raise VoteRefused(_("You may choose at most %(n)s candidate(s) for this award.") % {"n": poll.quota})
    try:
        with transaction.atomic():
            Participation.objects.create(poll_id=poll.pk, user_id=user.pk)
    except IntegrityError as exc:
        raise VoteRefused(
            _("You have already voted in this poll. Each voter has exactly one ballot.")
        ) from exc
    code = _receipt_code()
    ballot = Ballot.objects.create(
        poll_id=poll.pk,
        receipt_hash=receipt_hash(code),
        abstain=bool(abstain),
        voter_name="" if poll.secret else (user.full_name or user.username),
    )
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, candidate_id=i) for i in sorted(ids)])
    audit.record(
        actor=user,
        action="poll.voted",
        obj=poll,
        province_id=poll.cluster_year.cluster.province_id,
        data={"voter": user.pk},
    )
    return code


def receipt_check(code):
    """The ballot a receipt code stands for, or None."""
    if len(normalise_receipt(code)) != 16:
        return None
    return (
        Ballot.objects.filter(receipt_hash=receipt_hash(code))
        .select_related("poll__award_type", "poll__cluster_year__cluster")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Closing, counting, publishing


def _reshuffle_ballots(poll):
    """Rewrite the poll's ballots in random order with new keys: afterwards neither the physical
    order nor the row versions of the ballots say anything about when (or by whom) they were cast."""
    rng = random.SystemRandom()
    ballots = list(Ballot.objects.filter(poll=poll).values("id", "receipt_hash", "abstain", "voter_name"))
    choices = {}
    for ballot_id, candidate_id in BallotChoice.objects.filter(ballot__poll=poll).values_list(
        "ballot_id", "candidate_id"
    ):
        choices.setdefault(ballot_id, []).append(candidate_id)
    rng.shuffle(ballots)
    BallotChoice.objects.filter(ballot__poll=poll).delete()
    Ballot.objects.filter(poll=poll).delete()
    new_ballots, new_choices = [], []
    for b in ballots:
        nb = Ballot(
            id=uuid.uuid4(),
            poll=poll,
            receipt_hash=b["receipt_hash"],
            abstain=b["abstain"],
            voter_name=b["voter_name"],
        )
        new_ballots.append(nb)
        new_choices.extend(
            BallotChoice(id=uuid.uuid4(), ballot=nb, candidate_id=c) for c in choices.get(b["id"], [])
        )
    rng.shuffle(new_choices)
    Ballot.objects.bulk_create(new_ballots)
    BallotChoice.objects.bulk_create(new_choices)


@transaction.atomic
def poll_close(*, poll, actor):
    """Close the poll, count, and check that ballots == participations (else flag it)."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    if poll.status != PollStatus.OPEN:
        raise ValidationError(_("This poll is already closed."))
    list(Elector.objects.select_for_update().filter(poll=poll).values_list("pk", flat=True))  # wait for votes
    now = timezone.now()
    if now <= poll.opens_at:
        raise ValidationError(_("The poll has not opened yet."))
    if now < poll.closes_at:
        poll.closes_at = now
    _reshuffle_ballots(poll)
    electorate = poll.electors.count()
    participations = poll.participations.count()
    ballots = poll.ballots.count()
    abstain = poll.ballots.filter(abstain=True).count()
    per_candidate = dict(
        BallotChoice.objects.filter(ballot__poll=poll)
        .values("candidate")
        .annotate(n=Count("id"))
        .values_list("candidate", "n")
    )
    candidates = list(poll.candidates.all())
    votes = {c.pk: per_candidate.get(c.pk, 0) for c in candidates}
    result = counting.tally(
        poll.rule,
        votes=votes,
        seats=poll.quota,
        electorate=electorate,
        participations=participations,
        ballots=ballots,
    )
    for c in candidates:
        c.votes, c.share, c.met_threshold = votes[c.pk], result.shares[c.pk], result.met[c.pk]
        c.proposed, c.tied = c.pk in result.proposed, c.pk in result.tied
    PollCandidate.objects.bulk_update(candidates, ["votes", "share", "met_threshold", "proposed", "tied"])
    poll.status, poll.closed_at = PollStatus.CLOSED, now
    poll.electorate_size, poll.participation_count, poll.ballot_count = electorate, participations, ballots
    poll.abstain_count, poll.quorum_met, poll.runoff_seats = abstain, result.quorum, result.runoff_seats
    if ballots != participations:
        poll.flagged = True
        poll.flag_reason = _(
            "%(b)s ballots for %(p)s voters who took part: the count must be investigated."
        ) % {"b": ballots, "p": participations}
    poll.save()
    audit.record(
        actor=actor,
        action="poll.closed",
        obj=poll,
        province_id=poll.cluster_year.cluster.province_id,
        data={
            "electorate": electorate,
            "participations": participations,
            "ballots": ballots,
            "abstain": abstain,
            "votes": {c.name: votes[c.pk] for c in candidates},
            "quorum": result.quorum,
            "proposed": [c.name for c in candidates if c.proposed],
            "tied": [c.name for c in candidates if c.tied],
            "flagged": poll.flagged,
        },
    )
    return poll


@transaction.atomic
def poll_publish(*, poll, actor):
    """Publish the result: it is frozen from now on and the proposed units become nominations."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster", "award_type")
        .get(pk=poll.pk)
    )
    if poll.status == PollStatus.PUBLISHED:
        raise ValidationError(_("The result is already published and cannot be changed."))
    if poll.status != PollStatus.CLOSED:
        raise ValidationError(_("Close the poll before publishing its result."))
    if poll.flagged:
        raise ValidationError(
            _("The count of this poll is flagged (%(reason)s); it cannot be published.")
            % {"reason": poll.flag_reason}
        )
    proposed = list(poll.candidates.filter(proposed=True))
    for c in proposed:
        Nomination.objects.create(
            cluster_year=poll.cluster_year,
            award_type=poll.award_type,
            unit_id=c.unit_id,
            unit_name=c.name,
            poll=poll,
            votes=c.votes or 0,
        )
    poll.status, poll.published_at = PollStatus.PUBLISHED, timezone.now()
    poll.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action="poll.published",
        obj=poll,
        province_id=poll.cluster_year.cluster.province_id,
        data={"proposed": [c.name for c in proposed]},
    )
    return poll


@transaction.atomic
def runoff_open(*, poll, opens_at, closes_at, actor):
    """A run-off between the candidates tied at the quota boundary, for the seats left."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    if poll.status == PollStatus.OPEN:
        raise ValidationError(_("Close the poll first."))
    tied = list(poll.candidates.filter(tied=True))
    if not poll.runoff_seats or not tied:
        raise ValidationError(_("There is no tie to resolve in this poll."))
    if poll.runoffs.exists():
        raise ValidationError(_("A run-off for this poll already exists."))
    _check_window(opens_at, closes_at)
    child = Poll.objects.create(
        cluster_year=poll.cluster_year,
        award_type_id=poll.award_type_id,
        parent=poll,
        round=poll.round + 1,
        title=_("%(title)s – run-off (round %(round)s)")
        % {"title": poll.award_type.name, "round": poll.round + 1},
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_kind=poll.electorate_kind,
        quota=poll.runoff_seats,
        rule=poll.rule,
        secret=poll.secret,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    PollCandidate.objects.bulk_create(
        [
            PollCandidate(poll=child, unit_id=c.unit_id, name=c.name, position=i, total=c.total, rank=c.rank)
            for i, c in enumerate(tied)
        ]
    )
    Elector.objects.bulk_create(
        [Elector(poll=child, user_id=e.user_id, unit_id=e.unit_id) for e in poll.electors.all()]
    )
    audit.record(
        actor=actor,
        action="poll.runoff_opened",
        obj=child,
        province_id=poll.cluster_year.cluster.province_id,
        data={"parent": poll.pk, "seats": poll.runoff_seats, "candidates": [c.name for c in tied]},
    )
    return child


# ---------------------------------------------------------------------------------------------
# Dossier, achievement reports, the province's decisions


DOSSIER_FIELDS = [
    "meeting_date",
    "meeting_place",
    "chair_name",
    "chair_title",
    "secretary_name",
    "attendance",
    "cover_number",
]


@transaction.atomic
def dossier_save(*, cluster_year, actor, **data):
    dossier, _created = Dossier.objects.select_for_update().get_or_create(cluster_year=cluster_year)
    if dossier.submitted_at:
        raise ValidationError(
            _("The dossier has been submitted to the province and can no longer be changed.")
        )
    data = {k: data[k] for k in DOSSIER_FIELDS if k in data}
    old = {k: getattr(dossier, k) for k in data}
    for k, v in data.items():
        setattr(dossier, k, v)
    dossier.save()
    audit.record(
        actor=actor,
        action="dossier.saved",
        obj=cluster_year,
        province_id=cluster_year.cluster.province_id,
        data={"old": old, "new": data},
    )
    return dossier


@transaction.atomic
def dossier_submit(*, cluster_year, actor):
    dossier, _created = Dossier.objects.select_for_update().get_or_create(cluster_year=cluster_year)
    if dossier.submitted_at:
        raise ValidationError(_("The dossier has already been submitted."))
    if not Nomination.objects.filter(cluster_year=cluster_year).exists():
        raise ValidationError(_("There is no nomination to submit yet: publish the results first."))
    if not (dossier.meeting_date and dossier.meeting_place):
        raise ValidationError(_("Enter the date and place of the review meeting first."))
    dossier.submitted_at, dossier.submitted_by = timezone.now(), actor
    dossier.save(update_fields=["submitted_at", "submitted_by"])
    audit.record(
        actor=actor,
        action="dossier.submitted",
        obj=cluster_year,
        province_id=cluster_year.cluster.province_id,
    )
    return dossier


@transaction.atomic
def achievement_report_upload(*, nomination, upload, actor):
    name = (upload.name or "").lower()
    head = upload.read(5)
    upload.seek(0)
    if not name.endswith(".pdf") or head != b"%PDF-":
        raise ValidationError(_("The achievement report must be a PDF file."))
    if upload.size > 20 * 1024 * 1024:
        raise ValidationError(_("The file is larger than 20 MB."))
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if Dossier.objects.filter(
        cluster_year_id=nomination.cluster_year_id, submitted_at__isnull=False
    ).exists():
        raise ValidationError(
            _("The dossier has been submitted to the province and can no longer be changed.")
        )
    old = nomination.achievement_report.name or ""
    if old:
        nomination.achievement_report.storage.delete(old)
    nomination.achievement_report.save(f"bao-cao-thanh-tich-{nomination.pk}.pdf", upload, save=True)
    audit.record(
        actor=actor,
        action="nomination.report_uploaded",
        obj=nomination,
        province_id=nomination.award_type.province_id,
        data={"old": old, "new": nomination.achievement_report.name},
    )
    return nomination


@transaction.atomic
def decision_record(*, nomination, number, date, outcome, actor, granted_award=None, note=""):
    nomination = Nomination.objects.select_for_update().select_related("award_type").get(pk=nomination.pk)
    if not (number or "").strip():
        raise ValidationError(_("Enter the decision number."))
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose the outcome."))
    if outcome == Outcome.REDUCED:
        if granted_award is None:
            raise ValidationError(_("Choose the lower award that was granted instead."))
        if granted_award.province_id != nomination.award_type.province_id or (
            granted_award.precedence <= nomination.award_type.precedence
        ):
            raise ValidationError(_("The award granted instead must be a lower award of the same province."))
    else:
        granted_award = None
    existing = Decision.objects.filter(nomination=nomination).first()
    old = None
    if existing:
        old = {"number": existing.number, "date": existing.date, "outcome": existing.outcome}
    decision, _created = Decision.objects.update_or_create(
        nomination=nomination,
        defaults={
            "number": number.strip(),
            "date": date,
            "outcome": outcome,
            "granted_award": granted_award,
            "note": note,
            "recorded_by": actor,
        },
    )
    audit.record(
        actor=actor,
        action="nomination.decided",
        obj=nomination,
        province_id=nomination.award_type.province_id,
        data={
            "old": old,
            "new": {
                "number": decision.number,
                "date": date,
                "outcome": outcome,
                "granted_award": granted_award.pk if granted_award else None,
            },
        },
    )
    return decision


def default_voters(cluster_year, electorate_kind):
    """Suggested electorate: each member unit's leader (else its first council member or staff), or
    the province's council members."""
    province_id = cluster_year.cluster.province_id
    if electorate_kind == ElectorateKind.COUNCIL:
        return list(
            User.objects.filter(province_id=province_id, roles__role=Role.COUNCIL_MEMBER, is_active=True)
            .order_by("username")
            .distinct()
        )
    members = selectors.unit_roles(cluster_year)
    chosen = {}
    priority = {Role.UNIT_LEADER: 0, Role.COUNCIL_MEMBER: 1}
    candidates = (
        User.objects.filter(unit_id__in=list(members), is_active=True, roles__role__in=list(priority))
        .values_list("pk", "unit_id", "roles__role")
        .order_by("username")
    )
    best = {}
    for pk, unit_id, role in candidates:
        rank = priority[role]
        if unit_id not in best or rank < best[unit_id][0]:
            best[unit_id] = (rank, pk)
    chosen = [pk for _r, pk in best.values()]
    return list(User.objects.filter(pk__in=chosen).select_related("unit").order_by("unit__name"))
