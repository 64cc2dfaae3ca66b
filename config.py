"""Configuration read from the environment: development, test and production."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production below


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'caseapp.db'}")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    STRICT_TRANSPORT_SECURITY = False  # the HSTS header; see ProductionConfig
    PAGE_SIZE = 25
    # How many reverse proxies in front of the app add X-Forwarded-For: 0 trusts none (the default: a client
    # could otherwise pick its own address for the audit log and the login throttling), 1 behind one nginx.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")  # used when nothing else configured logging
    # Development only: the demo users (caseapp/demo.py USERS) log in with their password alone, so the printed
    # demo logins work. Every other user still needs the second factor. check() refuses it outside development.
    SECOND_FACTOR_DISABLED_FOR_DEMO = False
    # Documents: files are kept in this folder, outside the database (production must name it; back it up with
    # the database). A document may be DOCUMENT_MAX_BYTES; a request may be a little more, for the form around it.
    DOCUMENT_STORAGE = os.environ.get("DOCUMENT_STORAGE", "")
    DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    MAX_CONTENT_LENGTH = DOCUMENT_MAX_BYTES + 1024 * 1024
    # Links in e-mails point here; e-mail goes out through SMTP when MAIL_SERVER is set (Flask-Mailman).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "zorg-en-veiligheid@localhost")
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "dummy"
    DEBUG = False
    TESTING = False

    @classmethod
    def check(cls):
        """Refuse settings that must never reach production; overridden where they are allowed."""
        if cls.SECOND_FACTOR_DISABLED_FOR_DEMO:
            raise RuntimeError("SECOND_FACTOR_DISABLED_FOR_DEMO is for development only: production needs the "
                               "second factor for every account")
        if cls.SECRET_KEY == DEFAULT_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production")
        if not cls.DOCUMENT_STORAGE:
            raise RuntimeError("DOCUMENT_STORAGE must name the folder for uploaded documents in production (outside "
                               "the checkout, on storage that is backed up together with the database)")


class DevelopmentConfig(Config):
    # No DEBUG: the dev command serves without the debugger, and DEBUG would hand exceptions to the server
    # instead of showing the error page.
    SECOND_FACTOR_DISABLED_FOR_DEMO = True
    MAIL_BACKEND = "smtp" if Config.MAIL_SERVER else "console"  # e-mails printed to the console
    DOCUMENT_STORAGE = Config.DOCUMENT_STORAGE or str(BASE_DIR / "instance" / "documents")

    @classmethod
    def check(cls):
        pass


class TestConfig(Config):
    TESTING = True
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PAGE_SIZE = 10
    MAIL_BACKEND = "locmem"  # sent mail collects in flask_mailman's outbox
    DOCUMENT_STORAGE = ""  # each test app gets a temporary folder of its own (caseapp.documents.storage)

    @classmethod
    def check(cls):
        pass


class ProductionConfig(Config):
    # __Host-: the browser accepts the cookie only over HTTPS, for path / and without a Domain, so no subdomain
    # can set or overwrite it. There is no remember-me cookie: the login never asks Flask-Login for one.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    STRICT_TRANSPORT_SECURITY = True


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name=None):
    """The configuration class named by the argument or by CASEAPP_ENV (default: production)."""
    name = name or os.environ.get("CASEAPP_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown CASEAPP_ENV {name!r}; use one of {', '.join(CONFIGS)}") from None
