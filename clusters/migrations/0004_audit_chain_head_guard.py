"""The audit chain's head can only move forward, and neither table can be TRUNCATEd.

0002 refused UPDATE and DELETE of events row by row, but TRUNCATE fires no row trigger and the
chain head table had no trigger: `TRUNCATE clusters_auditevent` plus `DELETE FROM
clusters_auditchainhead` emptied a province's trail without any DDL, and the check then found an
intact empty chain. Now, on PostgreSQL, a head row is never deleted, its number never goes back,
and TRUNCATE of either table is refused unless the session sets `clusters.allow_truncate = on`
(the test run's flush between tests does; whoever can set it can drop the trigger anyway)."""

from django.db import migrations

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION clusters_audit_head_forward() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.key <> OLD.key OR NEW.seq <= OLD.seq THEN
    RAISE EXCEPTION 'clusters: the audit chain head only moves forward (% refused on %)', TG_OP, OLD.key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER clusters_audit_head_forward BEFORE UPDATE OR DELETE ON clusters_auditchainhead
  FOR EACH ROW EXECUTE FUNCTION clusters_audit_head_forward();

CREATE OR REPLACE FUNCTION clusters_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('clusters.allow_truncate', true), '') <> 'on' THEN
    RAISE EXCEPTION 'clusters: % of the audit trail is refused', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER clusters_audit_no_truncate BEFORE TRUNCATE ON clusters_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION clusters_audit_no_truncate();
CREATE TRIGGER clusters_audit_no_truncate BEFORE TRUNCATE ON clusters_auditchainhead
  FOR EACH STATEMENT EXECUTE FUNCTION clusters_audit_no_truncate();
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS clusters_audit_no_truncate ON clusters_auditchainhead;
DROP TRIGGER IF EXISTS clusters_audit_no_truncate ON clusters_auditevent;
DROP FUNCTION IF EXISTS clusters_audit_no_truncate();
DROP TRIGGER IF EXISTS clusters_audit_head_forward ON clusters_auditchainhead;
DROP FUNCTION IF EXISTS clusters_audit_head_forward();
"""


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS, params=None)


class Migration(migrations.Migration):
    dependencies = [("clusters", "0003_cluster_issuer")]

    operations = [migrations.RunPython(triggers_on, triggers_off)]
