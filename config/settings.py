"""Settings, read from the environment (django-environ).

The defaults are the embedded set-up of ``make run``: SQLite, eager Celery, console e-mail,
DEBUG on. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and
DEBUG=False.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY",
    default="insecure-development-key-only-for-the-embedded-demo-0123456789abcdef",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "orgchart",
    "documents",
    "workflow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "orgchart.middleware.GrantsScopeMiddleware",
    # Serves collected static files (viewflow's Material UI, Swagger UI) under gunicorn,
    # so no page needs a CDN or a separate web server in a small deployment.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workflow.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflow.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workflow.middleware.ServiceErrorMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
    # with "database is locked" halfway through; WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
        "SQLITE_TEST_NAME", default=str(BASE_DIR / "var" / "test.sqlite3")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# viewflow ships no Vietnamese catalog; ours lives apart so makemessages never obsoletes it.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_viewflow"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Digital signatures (documents/signing/): PKCS#12 files per person (people/<username>.p12) and
# per organisation (organisations/<code>.p12), each with its passphrase in a file beside it
# (<name>.p12.pass) or, for all of them, in SIGNING_KEYSTORE_PASSPHRASE. Outside the repository
# in production; var/ is git-ignored. The trust roots are PEM files; empty means the demo CA of
# the keystore (ca.pem, made by `manage.py init_demo_pki`).
SIGNING_KEYSTORE_DIR = env.path("SIGNING_KEYSTORE_DIR", default=BASE_DIR / "var" / "pki")
SIGNING_KEYSTORE_PASSPHRASE = env("SIGNING_KEYSTORE_PASSPHRASE", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_STAMP_FONT = env.path(
    "SIGNING_STAMP_FONT",
    default=BASE_DIR / "documents" / "signing" / "fonts" / "LiberationSerif-Regular.ttf",
)

# Uploads: the API refuses a larger attachment with 413 before storing anything.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "documents.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "documents.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Văn bản MTTQ API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "documents.models.DocumentStatus",
        "ReceiptStatusEnum": "documents.models.ReceiptStatus",
        "PurposeEnum": "documents.lifecycle.Purpose",
        "SharePurposeEnum": "documents.lifecycle.SharePurpose",
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="vanban@localhost")

# Celery: eager unless a broker is configured, so `make run` needs nothing but Python.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# Eager tasks still take a producer to serialise their arguments; memory:// needs no server.
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"
# Redis emulates priorities with one list per step, read lowest number first: 0 is the most
# urgent (hỏa tốc), ordinary work is 5, reminders and sweeps 8 (workflow/tasks.py).
CELERY_TASK_DEFAULT_PRIORITY = 5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "priority_steps": list(range(10)),
    "queue_order_strategy": "priority",
    # A message whose worker died unacknowledged comes back after this; the sweeper usually
    # delivers its receipts sooner.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 5,
    # Lets several deployments (or test runs) share one Redis without seeing each other.
    "global_keyprefix": env("CELERY_KEY_PREFIX", default=""),
}
# When the broker is down at commit, fail fast: the receipts stay pending and the sweeper
# sends them once it is back, so the dispatch itself never waits on Redis.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DELIVERY_SWEEP_EVERY_SECONDS = env.float("DELIVERY_SWEEP_EVERY_SECONDS", default=120)
DELIVERY_SWEEP_AFTER_SECONDS = env.int("DELIVERY_SWEEP_AFTER_SECONDS", default=300)
# Older pending receipts are left to people (their delivery problem is shown to the sender).
DELIVERY_SWEEP_MAX_AGE_DAYS = env.int("DELIVERY_SWEEP_MAX_AGE_DAYS", default=30)
# Skip a sweep while more messages than this wait in the queue (100 chunks: 10,000 receipts).
DELIVERY_SWEEP_MAX_BACKLOG = env.int("DELIVERY_SWEEP_MAX_BACKLOG", default=100)
# Đôn đốc: remind a recipient that has not acknowledged after this many working days
# (Monday to Friday), and an assignee this many days before the deadline and after it.
REMINDER_WORKING_DAYS = env.int("REMINDER_WORKING_DAYS", default=2)
REMINDER_DEADLINE_DAYS = env.int("REMINDER_DEADLINE_DAYS", default=2)
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-receipts": {
        "task": "workflow.tasks.sweep_pending",
        "schedule": DELIVERY_SWEEP_EVERY_SECONDS,
        "options": {"priority": 8},
    },
    # The flows' tasks are written inside every step; this brings back in line any that
    # drifted anyway (rows changed by hand), a bounded number per run.
    "reconcile-flows": {
        "task": "workflow.tasks.reconcile_flows",
        "schedule": 600.0,
        "options": {"priority": 8},
    },
    # Hourly in office hours on working days; the per-day record keeps it to one a day.
    "remind-recipients": {
        "task": "workflow.tasks.send_reminders",
        "schedule": crontab(minute=0, hour="7-17", day_of_week="mon-fri"),
        "options": {"priority": 8},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
