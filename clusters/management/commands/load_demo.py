from importlib import import_module

from django.core.management.base import BaseCommand

from clusters import demo

# Each app may add its own demo data (criteria, pledges, polls) in a `demo.load()`.
APP_DEMOS = ["emulation.scoring.demo", "emulation.pledges.demo", "awards.demo", "yearend.demo"]


class Command(BaseCommand):
    help = "Load the demo clusters from the seed articles and one account per role (idempotent)."

    def handle(self, *args, **options):
        accounts = demo.load()
        for path in APP_DEMOS:
            try:
                module = import_module(path)
            except ModuleNotFoundError as exc:
                if exc.name != path:
                    raise
                continue
            module.load()
        self.stdout.write("Demo accounts (mật khẩu / password: %s):" % demo.DEMO_PASSWORD)
        for username, roles, full_name in accounts:
            self.stdout.write(f"  {username:<20} {roles:<45} {full_name}")
