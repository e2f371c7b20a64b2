import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
application = get_wsgi_application()

from emulation.startup import refuse_insecure_start, settle_heap  # noqa: E402  (after setup)

refuse_insecure_start()
settle_heap()
