"""Rebuild the score subtotals from the entries, or check them against a full recount.

    manage.py scoring_subtotals                  rebuild every sheet's subtotals
    manage.py scoring_subtotals --year 12 --year 13   only these cluster years (ids)
    manage.py scoring_subtotals --check          recount and list the years that differ (no write)

The scoring services keep the subtotals in the same transaction as each score change; a rebuild
is for data written around them (a restore, a bulk load). Exit status 1 when --check finds a
difference."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clusters.models import ClusterYear
from emulation.scoring import subtotals
from emulation.scoring.models import ScoreSheet


class Command(BaseCommand):
    help = "Rebuild the score subtotals from the entries, or check them against a full recount."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="cluster year id (repeatable)")
        parser.add_argument("--check", action="store_true", help="compare with a recount, write nothing")

    def handle(self, *args, year=None, check=False, **options):
        years = year or list(
            ScoreSheet.objects.order_by().values_list("cluster_year_id", flat=True).distinct()
        )
        if check:
            bad = 0
            for cy in ClusterYear.objects.filter(pk__in=years):
                units = subtotals.differences(cy)
                if units:
                    bad += 1
                    self.stdout.write(f"cluster year {cy.pk}: {len(units)} unit(s) differ: {units[:10]}")
            if bad:
                raise CommandError(f"{bad} cluster year(s) with subtotals that differ from the recount")
            self.stdout.write(f"subtotals agree with the recount in {len(years)} cluster year(s)")
            return
        start = time.perf_counter()
        with transaction.atomic():
            subtotals.rebuild(None if not year else years)
        self.stdout.write(
            f"subtotals rebuilt for {len(years)} cluster year(s) in {time.perf_counter() - start:.1f} s"
        )
