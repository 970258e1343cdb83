from oscar.apps.offer.admin import *  # noqa: F401,F403  (Oscar's admin for the forked models)
