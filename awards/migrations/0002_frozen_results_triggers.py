"""Database-level protection of counted results (PostgreSQL only; SQLite relies on the services).

- a published poll's count (status, seats, rule, totals, flags) cannot be changed and the poll
  cannot be deleted;
- candidates of a published poll cannot be inserted, changed or deleted;
- ballots and choices can only be written while their poll is open (the close rewrites them
  before it marks the poll closed), and never deleted once it is counted."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION awards_poll_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'published' THEN
      RAISE EXCEPTION 'awards: poll % is published and cannot be deleted', OLD.id;
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'published' AND (
       NEW.status IS DISTINCT FROM OLD.status OR NEW.quota IS DISTINCT FROM OLD.quota
    OR NEW.rule IS DISTINCT FROM OLD.rule OR NEW.secret IS DISTINCT FROM OLD.secret
    OR NEW.electorate_size IS DISTINCT FROM OLD.electorate_size
    OR NEW.participation_count IS DISTINCT FROM OLD.participation_count
    OR NEW.ballot_count IS DISTINCT FROM OLD.ballot_count OR NEW.abstain_count IS DISTINCT FROM OLD.abstain_count
    OR NEW.quorum_met IS DISTINCT FROM OLD.quorum_met OR NEW.flagged IS DISTINCT FROM OLD.flagged
    OR NEW.runoff_seats IS DISTINCT FROM OLD.runoff_seats OR NEW.award_type_id IS DISTINCT FROM OLD.award_type_id
    OR NEW.cluster_year_id IS DISTINCT FROM OLD.cluster_year_id) THEN
    RAISE EXCEPTION 'awards: the result of poll % is published and frozen', OLD.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER awards_poll_frozen BEFORE UPDATE OR DELETE ON awards_poll
  FOR EACH ROW EXECUTE FUNCTION awards_poll_frozen();

CREATE OR REPLACE FUNCTION awards_candidate_frozen() RETURNS trigger AS $$
DECLARE st text;
BEGIN
  SELECT status INTO st FROM awards_poll
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.poll_id ELSE NEW.poll_id END;
  IF st = 'published' THEN
    RAISE EXCEPTION 'awards: candidates of a published poll are frozen';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER awards_candidate_frozen BEFORE INSERT OR UPDATE OR DELETE ON awards_pollcandidate
  FOR EACH ROW EXECUTE FUNCTION awards_candidate_frozen();

CREATE OR REPLACE FUNCTION awards_ballot_guard() RETURNS trigger AS $$
DECLARE st text;
BEGIN
  IF TG_TABLE_NAME = 'awards_ballot' THEN
    SELECT status INTO st FROM awards_poll
      WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.poll_id ELSE NEW.poll_id END;
  ELSE
    SELECT p.status INTO st FROM awards_poll p JOIN awards_ballot b ON b.poll_id = p.id
      WHERE b.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.ballot_id ELSE NEW.ballot_id END;
  END IF;
  IF st IS NOT NULL AND st <> 'open' THEN
    RAISE EXCEPTION 'awards: ballots of a counted poll cannot be written (%)', TG_OP;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER awards_ballot_guard BEFORE INSERT OR UPDATE OR DELETE ON awards_ballot
  FOR EACH ROW EXECUTE FUNCTION awards_ballot_guard();
CREATE TRIGGER awards_ballotchoice_guard BEFORE INSERT OR UPDATE OR DELETE ON awards_ballotchoice
  FOR EACH ROW EXECUTE FUNCTION awards_ballot_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS awards_ballotchoice_guard ON awards_ballotchoice;
DROP TRIGGER IF EXISTS awards_ballot_guard ON awards_ballot;
DROP FUNCTION IF EXISTS awards_ballot_guard();
DROP TRIGGER IF EXISTS awards_candidate_frozen ON awards_pollcandidate;
DROP FUNCTION IF EXISTS awards_candidate_frozen();
DROP TRIGGER IF EXISTS awards_poll_frozen ON awards_poll;
DROP FUNCTION IF EXISTS awards_poll_frozen();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
