"""Settings, read from the environment (django-environ); `.env.example` lists every variable.

Fail closed: without DEBUG=True this is production, and it refuses to start on a missing,
public or weak SECRET_KEY or an empty ALLOWED_HOSTS; `manage.py check --deploy` then flags
what a production must not run on (config/checks.py: SQLite, eager Celery, console e-mail).
`make run` sets DEBUG=1 for the embedded demo (SQLite, eager Celery, console e-mail).
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Fail closed: production unless DEBUG is said ----------------------------------------
DEBUG = env.bool("DEBUG", default=False)
#: The embedded demo's key: public (it is in this file), so never accepted without DEBUG.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-for-the-embedded-demo-0123456789abcdef"
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)


def refuse_unsafe_production(secret_key: str, allowed_hosts: list[str]) -> None:
    """Raise ImproperlyConfigured when a production (DEBUG off) would run on a key anyone
    can know or guess, or would answer any Host header."""
    if not secret_key:
        raise ImproperlyConfigured("SECRET_KEY is not set; production needs its own secret key.")
    if secret_key == DEVELOPMENT_SECRET_KEY or secret_key.startswith(
        ("insecure", "django-insecure", "change-me", "changeme")
    ):
        raise ImproperlyConfigured("SECRET_KEY is the public development key (or a placeholder).")
    if len(secret_key) < SECRET_KEY_MIN_LENGTH or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY is weak: use at least {SECRET_KEY_MIN_LENGTH} random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty; name the host names this serves.")


if not DEBUG:
    refuse_unsafe_production(SECRET_KEY, ALLOWED_HOSTS)
# --- end fail closed -----------------------------------------------------------------------

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with our site: superusers only (config/admin.py).
    "config.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "rest_framework",
    # API tokens stored as digests, expiring (accounts.auth reads them); before accounts,
    # whose admin replaces knox's.
    "knox",
    # Lock-outs after repeated failed sign-ins (accounts.lockout configures it).
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "orgchart",
    "documents",
    "accounts",
    "workflow",
    # Our deploy checks (config/checks.py) and the CSP.
    "config",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "config.csp.PolicyMiddleware",
    "orgchart.middleware.GrantsScopeMiddleware",
    # Serves collected static files (viewflow's Material UI, Swagger UI) under gunicorn,
    # so no page needs a CDN or a separate web server in a small deployment.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workflow.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # In the asker's language, before anything reads the query or the form.
    "documents.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle and absolute session timeouts (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS).
    "config.sessions.SessionTimeoutMiddleware",
    "workflow.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workflow.middleware.ServiceErrorMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into a 429 (accounts.lockout).
    "axes.middleware.AxesMiddleware",
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
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
# A connection per request costs a PostgreSQL backend's start-up on every page: each worker
# keeps its connection for this many seconds, checked before reuse so a restarted server costs
# one error-free reconnect, not a failed request. 0 closes it after every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code once its estimated cost passes
    # jit_above_cost; the visibility filters' many branches estimate high, so a search at
    # 50,000 documents spent 1.6 s of its 1.9 s compiling (bench/README.md). Pages run short
    # queries: compiling never pays here. A URL that sets jit itself is obeyed; behind a pooler
    # that refuses the ``options`` start-up parameter, DATABASE_JIT_OFF=False (and set jit in
    # postgresql.conf instead).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    given = options.get("options", "")
    if env.bool("DATABASE_JIT_OFF", default=True) and not re.search(r"\bjit\s*=", given, re.I):
        options["options"] = f"{given} -c jit=off".strip()
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
    # First: a locked-out username and address pair is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None

# The demo's public password is set by the loader (set_password), which validators do not see.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# viewflow ships no Vietnamese catalog, DRF's translates a fifth of its messages; ours live
# apart so makemessages never obsoletes them, and LOCALE_PATHS win over the apps' catalogs.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_viewflow", BASE_DIR / "locale_drf"]
# Browser sessions carry their person, so each can list and end their own (accounts).
SESSION_ENGINE = "accounts.sessions"
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
    default=BASE_DIR
    / "documents"
    / "static"
    / "documents"
    / "fonts"
    / "LiberationSerif-Regular.ttf",
)

# Uploads: the API refuses a larger attachment with 413 before storing anything.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Printing (documents/rendering): the body text laid out into a PDF is bounded, so the time
# and memory of one rendering are; past it the sheet says the rest is in the electronic copy.
RENDER_MAX_BODY_CHARS = env.int("RENDER_MAX_BODY_CHARS", default=300_000)
# A register printed or exported at once holds at most this many rows; a longer one is asked
# for by date range (from/to).
REGISTER_EXPORT_MAX_ROWS = env.int("REGISTER_EXPORT_MAX_ROWS", default=5_000)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "documents.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # Bounded: body size, JSON depth and encoding checked before parsing (design §15.3).
        "documents.api.parsers.JSONParser",
        "documents.api.parsers.FormParser",
        "documents.api.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "documents.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "documents.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    # ASCII: client generators name their packages after the title; the description
    # (documents/api/schema.py) opens with the Vietnamese name.
    "TITLE": "Vanban MTTQ API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["documents.api.schema.describe"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "documents.models.DocumentStatus",
        "ReceiptStatusEnum": "documents.models.ReceiptStatus",
        "PurposeEnum": "documents.lifecycle.Purpose",
        "SharePurposeEnum": "documents.lifecycle.SharePurpose",
        "ObligationKindEnum": "documents.obligations.ObligationKind",
        "ObligationStatusEnum": "documents.obligations.ItemStatus",
        "SearchResultKindEnum": "documents.selectors.search.RESULT_KINDS",
    },
}

# Step-up (design §15.2): signing, registering, dispatching and recalling by a signer or a clerk
# need a one-time code; one code keeps that API token or browser session fresh this long.
OTP_FRESH_SECONDS = env.int("OTP_FRESH_SECONDS", default=900)
# Ủy quyền is limited in time (Decree 30 Art. 13): the longest span one delegation may cover.
DELEGATION_MAX_DAYS = env.int("DELEGATION_MAX_DAYS", default=90)
OTP_TOTP_ISSUER = "MTTQ Văn bản"
# The admin lists devices without their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# After this many wrong codes in a row a person waits, 60 s and doubling with each further one
# (documents.stepup); django-otp's own delay, which starts at the first wrong code, is off.
OTP_FAILURE_LIMIT = env.int("OTP_FAILURE_LIMIT", default=5)
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Signing in (accounts): after LOGIN_FAILURE_LIMIT failures of one username from one address,
# that pair is refused (429) for LOGIN_COOL_OFF_MINUTES, doubled on each further lock-out within
# a day. The client address is REMOTE_ADDR; X-Forwarded-For is read only when the request
# comes from one of TRUSTED_PROXIES (addresses or networks of the reverse proxies).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOL_OFF_MINUTES = env.int("LOGIN_COOL_OFF_MINUTES", default=15)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Failed sign-ins are audited once per username and address while their attempts count, for at
# most this many usernames per address; past that the trail says so once and then waits.
LOGIN_FAILURE_AUDIT_PER_ADDRESS = env.int("LOGIN_FAILURE_AUDIT_PER_ADDRESS", default=20)
# API tokens expire this many hours after sign-in.
TOKEN_TTL_HOURS = env.int("TOKEN_TTL_HOURS", default=10)

AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_HANDLER = "accounts.lockout.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Attempts refused during a cool-off neither count nor extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# One trail: sign-ins are in the audit trail, not in a second log.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": timedelta(hours=TOKEN_TTL_HOURS)}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="vanban@localhost")
# The SMTP server, when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

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
# A plan or report a document asks of its recipients (obligations) is reminded from
# REMINDER_DEADLINE_DAYS before its due date until this many days after it.
OBLIGATION_REMINDER_PAST_DAYS = env.int("OBLIGATION_REMINDER_PAST_DAYS", default=30)
# edXML with other document systems (QCVN 102:2016): the transport of each partner by its mã
# định danh ("default" for the rest; a dotted path to a class), the file-drop directories, the
# largest message read or written, and the retries of a message the transport refused.
EDXML_TRANSPORTS = {
    "default": env("EDXML_TRANSPORT", default="documents.edxml.transport.FileDrop"),
}
EDXML_DROP_ROOT = env.path("EDXML_DROP_ROOT", default=BASE_DIR / "var" / "edxml")
EDXML_MAX_BYTES = env.int("EDXML_MAX_BYTES", default=64 * 1024 * 1024)
EDXML_SEND_MAX_ATTEMPTS = env.int("EDXML_SEND_MAX_ATTEMPTS", default=8)
EDXML_RETRY_BASE_SECONDS = env.int("EDXML_RETRY_BASE_SECONDS", default=60)
EDXML_RETRY_MAX_SECONDS = env.int("EDXML_RETRY_MAX_SECONDS", default=6 * 3600)
EDXML_SEND_EVERY_SECONDS = env.float("EDXML_SEND_EVERY_SECONDS", default=60)
EDXML_INBOX_EVERY_SECONDS = env.float("EDXML_INBOX_EVERY_SECONDS", default=60)
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
    # The plans and reports the documents ask of their recipients, around their due dates.
    "remind-obligations": {
        "task": "workflow.tasks.remind_obligations",
        "schedule": crontab(minute=30, hour="7-17", day_of_week="mon-fri"),
        "options": {"priority": 8},
    },
    # edXML: the messages due (new ones and retries whose pause is over), and the files the
    # partners dropped in their inbox directories.
    "send-edxml-outbox": {
        "task": "workflow.exchange.send_outbox",
        "schedule": EDXML_SEND_EVERY_SECONDS,
        "options": {"priority": 5},
    },
    "read-edxml-drop-inboxes": {
        "task": "workflow.exchange.read_drop_inboxes",
        "schedule": EDXML_INBOX_EVERY_SECONDS,
        "options": {"priority": 5},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    # Every failed sign-in is a warning of axes' (with the username and address masked); the
    # audit trail has them already, so only axes' errors are logged.
    "loggers": {"axes": {"level": "ERROR"}},
}

# --- Transport, cookies and sessions --------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A signed-in session ends after this much inactivity (sliding), and in any case this long
# after sign-in (config/sessions.py); the cookie does not outlive the absolute cap.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=10)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Trust X-Forwarded-Proto only behind a TLS proxy that sets it (and strips the client's).
    if env.bool("SECURE_PROXY_SSL", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The admin's address: anything but the default in production (a deploy check warns).
ADMIN_PATH = env("ADMIN_PATH", default="admin/").strip("/") + "/"

# --- Content-Security-Policy (django-csp 4) -------------------------------------------------
# No inline script anywhere: every script is a file of ours or of viewflow's. Inline <style>
# elements carry the per-response nonce (Turbo's progress bar reads it from the csp-nonce
# meta tag, templates/viewflow/base.html); style *attributes* are allowed because viewflow's
# Material templates and components write them (style-src-attr), which cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        # Swagger UI's and Material's icons are data: images inside their stylesheets.
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# --- end transport, cookies, sessions, CSP --------------------------------------------------
