"""Settings for the OK OCE Mart storefront.

Every value comes from the environment with a safe development default, so a
fresh clone runs on SQLite with no configuration. Production differences live in
the ``if not DEBUG`` block at the end, and production-only values are checked at
start-up with an error that names the variable to set.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403  (Oscar's documented pattern)

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. With DEBUG off, export SECRET_KEY (50+ random characters), "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Where runtime files (SQLite database, uploaded media) live in development.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.postgres",  # full-text rank and trigram lookups when on PostgreSQL; inert on SQLite
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Oscar, with catalogue, partner, basket and search forked into this project.
    "storefront.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "checkout.apps.CheckoutConfig",
    "address.apps.AddressConfig",
    "shipping.apps.ShippingConfig",
    "catalogue.apps.CatalogueConfig",
    "catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "partner.apps.PartnerConfig",
    "basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "offer.apps.OfferConfig",
    "order.apps.OrderConfig",
    "storefront.config.CustomerConfig",
    "search.apps.SearchConfig",
    "consignment.apps.ConsignmentConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "treebeard",
    "django_tables2",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail.contrib.simple_translation",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # This project
    "places.apps.PlacesConfig",
    "cms.apps.CmsConfig",
    "promotions.apps.PromotionsConfig",
    "payments.apps.PaymentsConfig",
    "seller.apps.SellerConfig",
    "backoffice.apps.BackofficeConfig",
    "favourites.apps.FavouritesConfig",
    "jobs.apps.JobsConfig",
    "auditlog",
    "axes",
    "csp",
    "storefront",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session or the database with request data.
    "storefront.middleware.RejectControlCharactersMiddleware",
    "storefront.middleware.ContentSecurityPolicyMiddleware",
    "storefront.middleware.SameSiteCookiesMiddleware",
    # Inside CSP (it writes the header with the nonce a cached page gets), before the session:
    # anonymous shoppers' pages from the cache (storefront/pagecache.py, PAGE_CACHE_SECONDS).
    # The site version read once per request (catalogue/versions.py), then the page cache, which reads it first.
    "catalogue.versions.RequestVersionMiddleware",
    "storefront.pagecache.AnonymousPageCacheMiddleware",
    # Before anything reads the database: may send this request's reads to the read replica.
    "storefront.db_routing.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "storefront.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "basket.middleware.BasketMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "storefront.urls"

THEME = os.environ.get("THEME", "default")
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / THEME / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "places.context_processors.kota_menu",
                "promotions.context_processors.campaign_banner",
                "catalogue.context_processors.site_version",
                "csp.context_processors.nonce",
            ],
        },
    }
]

WSGI_APPLICATION = "storefront.wsgi.application"

# Production keeps a connection per worker for a minute (a new SQLite connection and its PRAGMA cost about
# 2 ms, a PostgreSQL one more), health-checked before reuse; the dev server opens one per request.
DB_CONN_MAX_AGE = int(os.environ.get("DB_CONN_MAX_AGE", "0" if DEBUG else "60"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=DB_CONN_MAX_AGE,
        # A kept connection is checked before reuse, so the shop recovers by itself
        # after the database restarts.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A file, so `pytest --reuse-db` can skip the minute-long migration next time.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # Concurrent dev-server requests and the demo loader share one file: wait for a lock
    # rather than fail, let readers and a writer work at once (WAL), and take the write
    # lock at the start of a transaction, since SQLite cannot wait when a reader upgrades. In WAL mode
    # synchronous=NORMAL syncs at checkpoints rather than on every commit (SQLite's advice for WAL): a crash
    # of the shop loses nothing; a power cut may lose the last commits (production runs on PostgreSQL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
else:
    # Oscar's attribute cache keeps a half-read `.iterator()` on each product; on
    # PostgreSQL that is a server-side cursor, which dies with its transaction and
    # aborts whichever transaction later closes it. Client-side iteration avoids it.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# A PostgreSQL read replica (a streaming standby of the primary): public read-only pages read from it,
# everything else from the primary (storefront/db_routing.py). In tests it is a mirror of "default", and
# tests read from the primary unless they ask for the real replica (tests/integration/test_read_replica.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_READS = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
    )
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["storefront.db_routing.ReplicaRouter"]
# After a visitor's POST, their pages read from the primary for this long (read-your-writes across the lag).
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "15"))
# After the replica failed to answer, pages read from the primary for this long before trying it again.
DATABASE_REPLICA_RETRY_SECONDS = int(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "30"))
# GET/HEAD of these paths may read from the replica: catalogue, categories and products, kecamatan, shops,
# search, founder stories.
DATABASE_REPLICA_PATHS = [r"^/catalogue/", r"^/kecamatan/", r"^/toko/", r"^/search/", r"^/cerita/"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Local memory by default (one process: the dev server, tests). With REDIS_URL (e.g.
# redis://127.0.0.1:6379/1) every worker and process shares one cache through django-redis:
# facet counts, product cards, the catalogue version that invalidates them, and the product
# view counts (catalogue.viewcounts). Redis down: the shop keeps answering, uncached.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "okoce"),
            "TIMEOUT": 3600,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "okoce",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# How long a product card's HTML is kept (it is also dropped by any catalogue change).
CARD_CACHE_SECONDS = int(os.environ.get("CARD_CACHE_SECONDS", "3600"))
# --- Whole pages for anonymous shoppers (storefront/pagecache.py) -------------------------------------
# How long a cached anonymous page (home, catalogue, category, kecamatan, product, CMS pages) is
# kept at most; any change it can show drops it at once. 0 turns it off (the default with DEBUG, so
# template edits show in development).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "60"))
# How long the home page's programme figures (impact table, dot map, member and Mart counts) are shared.
HOME_STATS_SECONDS = int(os.environ.get("HOME_STATS_SECONDS", "300"))
# Product page views are counted in the cache and written to Oscar's analytics in batches:
# with Redis by `manage.py flush_view_counts`; with the local-memory cache every
# VIEW_COUNT_BATCH views or VIEW_COUNT_SECONDS seconds (catalogue/viewcounts.py).
VIEW_COUNT_BATCH = int(os.environ.get("VIEW_COUNT_BATCH", "200"))
VIEW_COUNT_SECONDS = int(os.environ.get("VIEW_COUNT_SECONDS", "60"))

# Sessions: with a shared Redis (REDIS_URL; the "default" cache is then django-redis) every worker and
# server reads sessions from the cache and writes through to the database, so a Redis restart logs nobody out.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"

# Login throttling (django-axes) on every login: the shop's /accounts/login/, Wagtail's
# /cms/login/ and Django's admin. After LOGIN_FAILURE_LIMIT wrong passwords for one
# account from one address, that pair is locked for LOGIN_COOLOFF_MINUTES (the page
# says so, in the shopper's language); staff unlock at /django-admin/axes/accessattempt/
# (delete the attempt) or with `manage.py axes_reset_username <email>`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "storefront.views.login_locked_out"
AXES_USERNAME_CALLABLE = "storefront.views.login_username"
# Behind a reverse proxy, how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
if int(os.environ.get("TRUSTED_PROXY_COUNT", "0")):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["TRUSTED_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Language, time and money
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "themes" / THEME / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media in an S3-compatible bucket (AWS S3, MinIO, …) when MEDIA_S3_BUCKET is set: every web and Celery
# worker then reads and writes the same files (storefront/storage.py; README "Settings", docs/deploy.md).
from storefront.storage import media_origin, media_url, s3_options  # noqa: E402

MEDIA_S3 = s3_options(os.environ)
if MEDIA_S3:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": MEDIA_S3}
    MEDIA_URL = media_url(MEDIA_S3)

# By default every email is written as a file under var/mail/ (a newcomer reads them there, and the dev
# server's request log stays quiet); production sets the SMTP backend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OK OCE Mart <halo@okoce-mart.example>")
# The shop's public address: links in emails sent outside a request (order links, seller notices).
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# SMTP when EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend; the file
# backend (EMAIL_FILE_PATH) keeps every message as a file for a newcomer to read.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail runs its background tasks inline; one line per task is noise.
        "django_tasks": {"level": "WARNING"},
        # One line per Elasticsearch request is noise; failures are logged by search.
        "elastic_transport": {"level": "WARNING"},
        "elasticsearch": {"level": "WARNING"},
    },
}

# --- Oscar -----------------------------------------------------------------
OSCAR_SHOP_NAME = "OK OCE Mart"
OSCAR_SHOP_TAGLINE = _("Made by Jakarta's small businesses, from all 44 kecamatan")
# "/" is the Wagtail home page; storefront.config.Shop drops Oscar's redirect.
OSCAR_HOMEPAGE = "/"
# Local modules first, so Oscar's haystack-based search modules are never imported.
OSCAR_DYNAMIC_CLASS_LOADER = "storefront.loading.local_first_class_loader"
OSCAR_DEFAULT_CURRENCY = "IDR"
# Format pinned to the Indonesian locale so English pages also show "Rp 1.250.000".
OSCAR_CURRENCY_FORMAT = {
    "IDR": {"format": "¤\xa0#,##0", "currency_digits": False, "locale": "id_ID"}
}
OSCAR_THUMBNAILER = "storefront.thumbnails.PillowThumbnailer"
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line4", "postcode", "country")
OSCAR_ACCOUNTS_REDIRECT_URL = "customer:profile-view"
# Oscar's own review and wish-list pages stay unmounted: its review form lets anyone signed in review
# anything. Reviews come from verified buyers at /ulasan/ (catalogue.reviews), favourites at /favorit/.
OSCAR_HIDDEN_FEATURES = ["reviews", "wishlists"]
# Oscar's haystack views are replaced by search/; its settings check still
# wants a connection dict, which stays inert because haystack is not installed.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# PPN (VAT): member businesses are micro enterprises below the PKP threshold,
# so prices are final prices and no tax line is shown. A programme that must
# charge PPN sets PPN_RATE (e.g. 0.12) and the partner strategy adds it.
PPN_RATE = os.environ.get("PPN_RATE", "0")

# --- Wagtail ---------------------------------------------------------------
WAGTAIL_SITE_NAME = "OK OCE Mart"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# Pages can be translated into English (wagtail.contrib.simple_translation:
# "Translate" copies a page into the English tree for the editor to rewrite).
# Shoppers choosing English see the English version where one is published and
# the Indonesian page otherwise (see HomePage.route).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Seller centre ---------------------------------------------------------------
# New listings wait for staff approval, and changes to live listings are reviewed
# after the fact, while this is on (LISTING_MODERATION=0 publishes at once).
LISTING_MODERATION = env_bool("LISTING_MODERATION", True)
# A variant is "low on stock" when fewer than this many units are left to sell (each variant may set
# its own in the seller centre); its business is emailed once each time it drops below.
LOW_STOCK_THRESHOLD = int(os.environ.get("LOW_STOCK_THRESHOLD", "3"))
SELLER_MAX_IMAGES = 8
SELLER_IMAGE_MAX_BYTES = 8 * 1024 * 1024
SELLER_IMAGE_MIN_SIDE = 300
SELLER_IMAGE_MAX_PIXELS = 40_000_000
CERTIFICATE_REMINDER_DAYS = 30
# Audit every change to listings and member businesses (django-auditlog).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "catalogue.Product",
    "catalogue.ProductImage",
    "catalogue.ProductAttributeValue",
    "partner.StockRecord",
    "partner.Partner",
    "partner.FoodCompliance",
)

# --- Checkout, payments and payouts ---------------------------------------------
# Flat shipping per member business's parcel, by zone (rupiah).
SHIPPING_RATES = {
    "same_kecamatan": int(os.environ.get("SHIPPING_SAME_KECAMATAN", "10000")),
    "same_kota": int(os.environ.get("SHIPPING_SAME_KOTA", "15000")),
    "jakarta": int(os.environ.get("SHIPPING_JAKARTA", "20000")),
    "outside": int(os.environ.get("SHIPPING_OUTSIDE", "35000")),
}
# The programme keeps this share of each business's sales (0.05 = 5%).
PROGRAMME_COMMISSION = os.environ.get("PROGRAMME_COMMISSION", "0.05")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Point at stripe-mock (http://127.0.0.1:12111) in tests; empty means api.stripe.com.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Calls to Stripe give up after this many seconds (connect at most 5), retried STRIPE_NETWORK_RETRIES times,
# so a slow or unreachable Stripe gives the shopper a clear message instead of a hung page.
STRIPE_TIMEOUT_SECONDS = float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "10"))
STRIPE_NETWORK_RETRIES = int(os.environ.get("STRIPE_NETWORK_RETRIES", "1"))
# Stripe's minimum charge, in rupiah (about USD 0.50 when settling in USD; check docs.stripe.com/currencies).
STRIPE_MINIMUM_IDR = int(os.environ.get("STRIPE_MINIMUM_IDR", "10000"))
# Without Stripe keys and with DEBUG on, a clearly labelled test payment lets a newcomer finish an order.
TEST_PAYMENTS = env_bool("TEST_PAYMENTS", DEBUG) and not STRIPE_SECRET_KEY
# How long stock stays held: while a shopper pays online, and for "Bayar di Mart" pickups.
PAYMENT_HOLD_MINUTES = int(os.environ.get("PAYMENT_HOLD_MINUTES", "60"))
MART_HOLD_HOURS = 48
# An unpaid Mart pickup's shopper is emailed once when this many hours remain before it goes back on sale.
PICKUP_REMINDER_HOURS = int(os.environ.get("PICKUP_REMINDER_HOURS", "12"))
# The payment gateways checkout may offer, in the order shown (each offered only when its keys are
# set: see its ``available``). A new provider is a module in payments/gateways/ plus its path here.
PAYMENT_GATEWAYS = env_list("PAYMENT_GATEWAYS", [
    "payments.gateways.stripe.StripeGateway",
    "payments.gateways.development.TestGateway",
    "payments.gateways.mart.MartGateway",
    "payments.gateways.midtrans.MidtransGateway",
])
# Midtrans Snap (Indonesia): offered when MIDTRANS_SERVER_KEY is set. The defaults are Midtrans's sandbox;
# production is https://api.midtrans.com and https://app.midtrans.com. Notifications: /midtrans/webhook/.
MIDTRANS_SERVER_KEY = os.environ.get("MIDTRANS_SERVER_KEY", "")
MIDTRANS_CLIENT_KEY = os.environ.get("MIDTRANS_CLIENT_KEY", "")
MIDTRANS_API_BASE = os.environ.get("MIDTRANS_API_BASE", "https://api.sandbox.midtrans.com")
MIDTRANS_SNAP_BASE = os.environ.get("MIDTRANS_SNAP_BASE", "https://app.sandbox.midtrans.com")
MIDTRANS_TIMEOUT_SECONDS = float(os.environ.get("MIDTRANS_TIMEOUT_SECONDS", "10"))

# Order statuses (stored in English, shown translated; constants in order/processing.py) and the moves
# between them. "Paid" and the refunds are set by payments when money moves, never by hand.
OSCAR_ORDER_STATUS_PIPELINE = {
    "Awaiting payment at the Mart": ["Paid", "Cancelled"],
    "Paid": ["Partly refunded", "Refunded"],
    "Partly refunded": ["Partly refunded", "Refunded"],
    "Refunded": [],
    "Cancelled": [],
}

# --- Search ------------------------------------------------------------------
# "database" (embedded default) or "elasticsearch" (ELASTICSEARCH_URL, comma-separated nodes).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
if SEARCH_BACKEND not in ("database", "elasticsearch"):
    raise ImproperlyConfigured("SEARCH_BACKEND must be 'database' or 'elasticsearch'.")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "okoce-")
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "0"))
# Seconds a search waits for the cluster before answering from the database.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "2"))
# After a failure, searches go to the database for this long before trying the cluster again.
ELASTICSEARCH_RETRY_SECONDS = int(os.environ.get("ELASTICSEARCH_RETRY_SECONDS", "15"))
FACET_CACHE_SECONDS = int(os.environ.get("FACET_CACHE_SECONDS", "300"))

# --- Background work (Celery) ------------------------------------------------------
# Emails, Stripe transfers and refunds are outbox rows (jobs.Job) written in the transaction that asks
# for them, sent to Celery after the commit. Without CELERY_BROKER_URL tasks run eagerly in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Redis: fail fast when it is away (the outbox keeps the task); an unacknowledged task returns after an hour.
# (kombu's failover retries are left at their defaults: a web process sending a task while Redis is down waits
# ~6 s before the task stays in the outbox; lowering them globally also cut the worker's reconnection short.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 10, "visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task is tried this often (with backoff JOB_RETRY_SECONDS, doubling) before it is listed at /staf/tugas/.
JOB_MAX_ATTEMPTS = 3
JOB_RETRY_SECONDS = int(os.environ.get("JOB_RETRY_SECONDS", "30"))
# A task sent or running for longer than this without an answer (its worker died) is sent again.
JOB_STALE_MINUTES = int(os.environ.get("JOB_STALE_MINUTES", "30"))
JOB_KEEP_DAYS = 14
_every = lambda seconds, *command: {  # noqa: E731
    "task": "jobs.command" if command else "jobs.dispatch_outbox", "schedule": float(seconds),
    "args": list(command), "options": {"expires": float(seconds)}}
CELERY_BEAT_SCHEDULE = {
    "dispatch-outbox": _every(60),
    "release-holds": _every(300, "release_holds"),
    "pay-out": _every(900, "pay_out"),
    "publish-scheduled": _every(300, "publish_scheduled"),
    "remind-certificates": _every(24 * 3600, "remind_certificates"),
    "search-index-update": _every(60, "search_index", "--update"),
    # Product views and basket additions counted in Redis into Oscar's analytics (catalogue/viewcounts.py,
    # basket/additions.py).
    "flush-view-counts": _every(60, "flush_view_counts"),
    "flush-basket-additions": _every(60, "flush_basket_additions"),
}

# --- Content-Security-Policy (django-csp) ---------------------------------------
# Our own files, plus Stripe.js (the Payment Element) and nothing else external.
# Inline <script>s carry the request's nonce ({{ CSP_NONCE }}); there are no inline
# event handlers (static/okoce/js/okoce.js wires them). Staff tools (Oscar's dashboard,
# Wagtail, Django admin) keep inline scripts: storefront.middleware relaxes only that.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "https://js.stripe.com"],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *([media_origin(MEDIA_S3)] if MEDIA_S3 else [])],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, "https://api.stripe.com"],
        "frame-src": [SELF, "https://js.stripe.com", "https://hooks.stripe.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
CSP_STAFF_URL_PREFIXES = ("/dashboard/", "/cms/", "/django-admin/")

# --- Production --------------------------------------------------------------
if not DEBUG:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be a unique value of 50+ characters in production.")
    if not os.environ.get("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("ALLOWED_HOSTS is not set: export the shop's host names, comma-separated.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    OSCAR_BASKET_COOKIE_SECURE = True
    OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Lax: the cookies still come along when a shopper follows a link to the shop.
    LANGUAGE_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SAMESITE = "Lax"
    CSRF_COOKIE_SAMESITE = "Lax"
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
