"""Create the province's certificate authority for pledge signing (its key is kept encrypted)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clusters.models import Province
from emulation.pledges import crypto, services


class Command(BaseCommand):
    help = "Create the certificate authority of a province (pledge signing)."

    def add_arguments(self, parser):
        parser.add_argument("province_code", help="code of the province, e.g. hai-phong")

    def handle(self, *args, province_code, **options):
        try:
            province = Province.objects.get(code=province_code)
        except Province.DoesNotExist as exc:
            raise CommandError(f"No province with code {province_code!r}.") from exc
        try:
            ca = services.authority_create(province=province)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        cert = crypto.load_cert(ca.certificate_pem)
        self.stdout.write(f"Created: {crypto.subject_text(cert)}\nSHA-256: {crypto.fingerprint(cert)}")
