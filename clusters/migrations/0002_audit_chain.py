"""The audit trail becomes tamper-evident.

- every event gets its number in its province's chain, the previous event's hash and its own
  (events recorded before are chained in the order they were recorded);
- an event's author can no longer be set to NULL (PROTECT), and accounts can no longer be deleted;
- on PostgreSQL, triggers refuse UPDATE and DELETE of audit events and DELETE of accounts, whoever
  runs them (a superuser has to drop the trigger first, and then the chain check shows the edit)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import clusters.models
from clusters.chain import GENESIS, chain_key, event_hash

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION clusters_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'clusters: audit events are append-only (% refused on event %)', TG_OP, OLD.id
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER clusters_audit_append_only BEFORE UPDATE OR DELETE ON clusters_auditevent
  FOR EACH ROW EXECUTE FUNCTION clusters_audit_append_only();

CREATE OR REPLACE FUNCTION clusters_user_never_deleted() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'clusters: accounts are never deleted, deactivate account % instead', OLD.id
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER clusters_user_never_deleted BEFORE DELETE ON clusters_user
  FOR EACH ROW EXECUTE FUNCTION clusters_user_never_deleted();
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS clusters_user_never_deleted ON clusters_user;
DROP FUNCTION IF EXISTS clusters_user_never_deleted();
DROP TRIGGER IF EXISTS clusters_audit_append_only ON clusters_auditevent;
DROP FUNCTION IF EXISTS clusters_audit_append_only();
"""


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("clusters", "AuditEvent")
    AuditChainHead = apps.get_model("clusters", "AuditChainHead")
    heads = {}
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        key = chain_key(event.province_id)
        seq, prev = heads.get(key, (0, GENESIS))
        seq += 1
        digest = event_hash(
            province_id=event.province_id,
            seq=seq,
            prev_hash=prev,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            data=event.data,
            reason=event.reason,
        )
        AuditEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev, hash=digest)
        heads[key] = (seq, digest)
    AuditChainHead.objects.bulk_create([AuditChainHead(key=k, seq=s, hash=h) for k, (s, h) in heads.items()])


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS, params=None)


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("key", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "audit chain head", "verbose_name_plural": "audit chain heads"},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="number in the chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash of the previous event"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="number in the chain"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("province", "seq"), name="audit_seq_once_per_province"),
        ),
        migrations.AlterModelManagers(name="user", managers=[("objects", clusters.models.AccountManager())]),
        migrations.RunPython(triggers_on, triggers_off),
    ]
