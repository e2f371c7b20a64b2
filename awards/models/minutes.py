"""What the minutes of the vote count (biên bản kiểm phiếu) need beyond the online count: the
tally of a vote taken on paper in the meeting room, entered by the secretary afterwards."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PaperCount(models.Model):
    """The ballots of a paper vote as the Ban kiểm phiếu counted them; the votes per candidate
    are stored on the poll's candidates like an online count."""

    poll = models.OneToOneField("awards.Poll", on_delete=models.CASCADE, related_name="paper_count")
    ballots_issued = models.PositiveIntegerField(_("ballots issued"))
    ballots_received = models.PositiveIntegerField(_("ballots received"))
    ballots_invalid = models.PositiveIntegerField(_("invalid ballots"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper count")
        verbose_name_plural = _("paper counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ballots_received__lte=F("ballots_issued"))
                & Q(ballots_invalid__lte=F("ballots_received")),
                name="paper_count_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.poll_id}: {self.ballots_received}/{self.ballots_issued}"

    @property
    def ballots_valid(self):
        return self.ballots_received - self.ballots_invalid
