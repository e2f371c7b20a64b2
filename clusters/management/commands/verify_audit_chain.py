"""Recompute every audit chain (or one province's) and name the first broken link.

    manage.py verify_audit_chain                     every chain
    manage.py verify_audit_chain --province hai-phong --expect 412:9f3c…   against a printed head

Exit status 1 when a chain is broken."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusters.audit import verify_chain
from clusters.models import AuditChainHead, Province


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log and name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="province code (default: every chain)")
        parser.add_argument("--expect", help="SEQ:HASH of a head printed on paper")

    def handle(self, *args, province=None, expect=None, **options):
        if expect:
            seq, _sep, digest = expect.partition(":")
            if not seq.isdigit() or len(digest) != 64:
                raise CommandError("--expect takes SEQ:HASH (a number and 64 hexadecimal digits)")
            expect = (int(seq), digest.lower())
        if province:
            found = Province.objects.filter(code=province).first()
            if found is None:
                raise CommandError(f"no province with code {province!r}")
            chains = [(found.pk, found.name)]
        else:
            names = dict(Province.objects.values_list("pk", "name"))
            keys = AuditChainHead.objects.values_list("key", flat=True)
            chains = [(int(k), names.get(int(k), k)) if k != "-" else (None, "—") for k in keys]
        broken = 0
        for province_id, name in chains:
            check = verify_chain(province_id, expect=expect)
            if check.ok:
                self.stdout.write(
                    _("%(name)s: %(n)s events, chain intact; head #%(seq)s %(hash)s")
                    % {"name": name, "n": check.count, "seq": check.head.seq, "hash": check.head.hash}
                )
            else:
                broken += 1
                self.stdout.write(
                    _("%(name)s: chain BROKEN at event #%(seq)s (id %(id)s, %(action)s): %(problem)s")
                    % {
                        "name": name,
                        "seq": check.broken_seq,
                        "id": check.broken_id or "—",
                        "action": check.broken_action or "—",
                        "problem": check.problem,
                    }
                )
        if broken:
            raise SystemExit(1)
