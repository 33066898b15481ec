"""Test settings: the real settings in their development mode (the tests load the demo, which
refuses production), with a fast password hasher (the demo has dozens of people) and in-memory
e-mail. tests/test_settings_safety.py imports config.settings itself to prove production's
refusals."""

import os

# Before the settings are read, whatever the shell or a .env file says.
os.environ["DEBUG"] = "True"

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Under pytest-xdist every worker has its own database (pytest-django suffixes its name), so
# it has its own files too: two workers' document 7 must not share one stored PDF.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_SUFFIX = f"-{_WORKER}" if _WORKER else ""
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{_SUFFIX}"  # noqa: F405
# The demo PKI of the tests (made once by init_demo_pki, reused across runs); a test that
# makes its own points the setting at a temporary folder.
SIGNING_KEYSTORE_DIR = BASE_DIR / "var" / f"test-pki{_SUFFIX}"  # noqa: F405
