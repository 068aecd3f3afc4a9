"""The platform's settings with the sample app added: one line in INSTALLED_APPS and one in the URL map."""

from yuanqu.site.settings import *  # noqa: F403
from yuanqu.site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "yuanqu.site.tests.sample_app"]
ROOT_URLCONF = "yuanqu.site.tests.sample_urls"
