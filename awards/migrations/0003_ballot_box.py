"""The ballot box: sealed envelopes and a per-poll key while a poll is open, counted receipts apart
from the ballots after the close (awards/ballot_box.py).

Receipt hashes of the ballots already stored move to CountedReceipt (in random order) and leave
the ballot rows, so that no table links a receipt to a choice any more. Ballots of a poll still
open during the upgrade stay as they are and are counted as before.
On PostgreSQL, envelopes, keys and counted receipts can only be written while their poll is open
(the close writes them before it marks the poll closed), like the ballots."""

import django.db.models.deletion
import uuid
import random

from django.db import migrations, models

GUARDS = r"""
CREATE OR REPLACE FUNCTION awards_poll_open_guard() RETURNS trigger AS $$
DECLARE st text;
BEGIN
  SELECT status INTO st FROM awards_poll
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.poll_id ELSE NEW.poll_id END;
  IF st IS NOT NULL AND st <> 'open' THEN
    RAISE EXCEPTION 'awards: % of a counted poll cannot be written (%)', TG_TABLE_NAME, TG_OP;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER awards_countedreceipt_guard BEFORE INSERT OR UPDATE OR DELETE ON awards_countedreceipt
  FOR EACH ROW EXECUTE FUNCTION awards_poll_open_guard();
CREATE TRIGGER awards_ballotenvelope_guard BEFORE INSERT OR UPDATE OR DELETE ON awards_ballotenvelope
  FOR EACH ROW EXECUTE FUNCTION awards_poll_open_guard();
CREATE TRIGGER awards_pollkey_guard BEFORE INSERT OR UPDATE ON awards_pollkey
  FOR EACH ROW EXECUTE FUNCTION awards_poll_open_guard();
"""

DROP_GUARDS = r"""
DROP TRIGGER IF EXISTS awards_pollkey_guard ON awards_pollkey;
DROP TRIGGER IF EXISTS awards_ballotenvelope_guard ON awards_ballotenvelope;
DROP TRIGGER IF EXISTS awards_countedreceipt_guard ON awards_countedreceipt;
DROP FUNCTION IF EXISTS awards_poll_open_guard();
"""


def receipts_apart(apps, schema_editor):
    Ballot = apps.get_model("awards", "Ballot")
    CountedReceipt = apps.get_model("awards", "CountedReceipt")
    rows = [
        CountedReceipt(id=uuid.uuid4(), poll_id=p, receipt_hash=h)
        for p, h in Ballot.objects.values_list("poll_id", "receipt_hash")
    ]
    random.SystemRandom().shuffle(rows)
    CountedReceipt.objects.bulk_create(rows, batch_size=5000)


def guards_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, params=None)


def guards_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GUARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0002_frozen_results_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="BallotEnvelope",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                ("tag", models.CharField(max_length=64, unique=True)),
                ("sealed", models.BinaryField()),
            ],
            options={
                "verbose_name": "sealed ballot",
                "verbose_name_plural": "sealed ballots",
            },
        ),
        migrations.CreateModel(
            name="CountedReceipt",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                ("receipt_hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "verbose_name": "counted receipt",
                "verbose_name_plural": "counted receipts",
                "ordering": ["receipt_hash"],
            },
        ),
        migrations.CreateModel(
            name="PollKey",
            fields=[
                (
                    "poll",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="envelope_key",
                        serialize=False,
                        to="awards.poll",
                    ),
                ),
                ("public", models.BinaryField()),
                ("wrapped_private", models.BinaryField()),
            ],
            options={
                "verbose_name": "poll key",
                "verbose_name_plural": "poll keys",
            },
        ),
        migrations.AddField(
            model_name="ballotenvelope",
            name="poll",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="envelopes", to="awards.poll"
            ),
        ),
        migrations.AddField(
            model_name="countedreceipt",
            name="poll",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="counted_receipts", to="awards.poll"
            ),
        ),
        migrations.RunPython(receipts_apart, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="ballot",
            name="ballot_has_receipt",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="receipt_hash",
        ),
        migrations.RunPython(guards_on, guards_off),
    ]
