"""The Celery application (``celery -A storefront worker`` / ``celery -A storefront beat``).

Configured from Django's settings (``CELERY_*``). Without ``CELERY_BROKER_URL`` tasks run
eagerly in the calling process, so development and the tests need no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings")

app = Celery("storefront")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
