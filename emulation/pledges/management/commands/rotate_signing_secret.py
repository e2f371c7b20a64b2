"""Re-encrypt every stored signing key under a new SIGNING_KEY_SECRET.

    SIGNING_KEY_SECRET_OLD=<the old value> SIGNING_KEY_SECRET=<the new value> \\
        python manage.py rotate_signing_secret

The secrets come from the environment (never the command line, which other users can see).
An installation from before SIGNING_KEY_SECRET was separate used DJANGO_SECRET_KEY as the old one."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from emulation.pledges.keys import signing_secret_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored signing key from SIGNING_KEY_SECRET_OLD to SIGNING_KEY_SECRET."
    # The start-up check refuses a signing secret equal to the secret key: this command is how
    # such an installation gets out of it, so it must run anyway.
    requires_system_checks = []

    def handle(self, *args, **options):
        old = os.environ.get("SIGNING_KEY_SECRET_OLD", "")
        if not old:
            raise CommandError("Set SIGNING_KEY_SECRET_OLD to the secret the keys are encrypted with now.")
        new = settings.SIGNING_KEY_SECRET
        if new in settings.PUBLIC_SECRETS or new == settings.SECRET_KEY:
            raise CommandError("SIGNING_KEY_SECRET must be a new random value, not the secret key.")
        try:
            count = signing_secret_rotate(old=old, new=new)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        self.stdout.write(f"{count} key(s) re-encrypted under the new SIGNING_KEY_SECRET.")
