"""Configuration defaults. Override in instance/config.py or with LADDER_* environment variables."""

# Relative SQLite paths live in the instance folder; set LADDER_DATABASE_URL for PostgreSQL,
# e.g. postgresql+psycopg://ladder@db.example.nl/ladder
DATABASE_URL = "sqlite:///ladder.sqlite3"
# Plugin (entry point) names to leave out, e.g. LADDER_DISABLED_PLUGINS='["rotterdam"]'
DISABLED_PLUGINS: list[str] = []
# Extra plugin modules to load by import name, like installed ones (for plugin development).
EXTRA_PLUGINS: list[str] = []
# LADDER_TRACE_HOOKS=1 logs every plugin hook call and its result (logger ladder.plugins, level INFO).
TRACE_HOOKS = False
# None: generated into the instance folder on first run (never in the repo).
SECRET_KEY = None
# Encrypts the second factor's secrets in the database; None: made once into instance/totp_key. Keep it out of
# the database's backups, and the same on every server. A new key means every staff member sets up again.
TOTP_KEY = None
# Residents may take their time on a page; the token lives as long as the session.
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Production sets LADDER_SESSION_COOKIE_SECURE=true (HTTPS only).
SESSION_COOKIE_SECURE = False
MAX_CONTENT_LENGTH = 1024 * 1024
# Interface languages off a survey's pages (a survey's own pages offer its `locales`); each needs a catalogue
# in ladder/translations, Dutch needs none.
LOCALES: list[str] = ["nl", "fy", "en"]

# Where the login throttle keeps its counts. memory:// is per process: with several gunicorn
# workers use Redis so they share them, e.g. LADDER_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379
RATELIMIT_STORAGE_URI = "memory://"
# Sign-in throttling (see ladder/throttle.py and docs/staff.rst). Attempts from one client on one account:
LOGIN_LIMIT = "5 per 15 minutes"
# Attempts from one client on any account.
LOGIN_CLIENT_LIMIT = "30 per 15 minutes"
# After LOGIN_LIMIT failures on an account (from all clients), clients that failed on it already may try once
# per delay, doubling from 1 s up to this many seconds. Clients that have not failed are never delayed.
LOGIN_MAX_DELAY = 300
# How staff passwords are hashed (werkzeug's method string): scrypt at werkzeug's own default cost (N=2**15, r=8,
# p=1), about a quarter of a second of CPU per check. Stronger is allowed; weaker only under TESTING.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
# Password checks (scrypt) at once: per process, and over all servers when the store is Redis. An attempt
# that finds no place within LOGIN_HASH_WAIT seconds gets 503 with Retry-After. 0: fail at once, which keeps
# gunicorn's sync workers free for residents (a worker that waits is a worker residents cannot use).
LOGIN_HASH_CONCURRENCY = 1
LOGIN_HASH_CONCURRENCY_SHARED = 1
LOGIN_HASH_WAIT = 0.0
# Prefix of the throttle's keys in its store (several installations may share one Redis).
RATELIMIT_KEY_PREFIX = "ladder"
# Roles that must use a second factor (TOTP) besides admin, which always must, e.g. ["editor", "analyst"].
MFA_REQUIRED_ROLES: list[str] = ["editor", "analyst"]
# A staff session ends after this many minutes without a request, and this many hours after signing in.
SESSION_IDLE_MINUTES = 30
SESSION_MAX_HOURS = 10
# The accessibility statement at /toegankelijkheid, in the form of the Dutch model statement
# (digitoegankelijk.nl). Fill in every value; what is left empty shows as "[in te vullen]" on the page.
# status: "voldoet volledig", "voldoet gedeeltelijk", "eerste maatregelen genomen" or "voldoet niet".
# Dates as "2026-11-01". ACCESSIBILITY_MUNICIPALITIES: municipality name -> the keys that differ, e.g.
# {"Rotterdam": {"contact_phone": "14 010", "contact_email": "...", "complaints": "..."}}.
ACCESSIBILITY = {
    "status": "voldoet gedeeltelijk",  # not yet checked by an independent expert
    "checked_on": None,
    "checked_by": None,
    "method": "automatische tests met axe-core op elke pagina, en handmatige controle met toetsenbord en schermlezer",
    "statement_date": None,
    "known_issues": [
        {"issue": "De Friese teksten zijn nog niet gecontroleerd door iemand die Fries als moedertaal heeft.",
         "measure": "Een moedertaalspreker controleert ze.", "planned": None},
    ],
    "contact_email": None,
    "contact_phone": None,
    "response_days": 5,
    "complaints": None,
    "ombudsman": "de Nationale ombudsman",
    "ombudsman_url": "https://www.nationaleombudsman.nl",
}
ACCESSIBILITY_MUNICIPALITIES: dict = {}
# Days an untouched draft is kept: the saved page shows the date, ``ladder purge-drafts`` deletes it after.
DRAFT_DAYS = 30
# Months after a survey closes before ``ladder purge`` deletes its responses (see docs/privacy.rst).
RETENTION_MONTHS = 12
# Counts below this are hidden in the staff commands' protected tables (``ladder summary NAME``, ``--threshold``).
RESULTS_MIN_COUNT = 5
# Published results (``/r/``, its JSON, the verslag): a new publication moment needs at least this many responses
# to have come or gone since the last one, and no published or hidden count may be pinned down to a range
# narrower than RESULTS_PROTECTION (docs/privacy.rst, "Published results").
RESULTS_MIN_CHANGES = 10
RESULTS_PROTECTION = 3
# Survey files served without a plugin (docs/survey-designers.rst); relative to the instance folder.
SURVEYS_FOLDER = "surveys"
# Printed on paper forms (``ladder paper``): where residents send the form back, one line per line;
# a survey's municipality may have its own: {"Molenwaard": "Antwoordnummer 1\n2970 VB Molenwaard"}.
RETURN_ADDRESS = ""
RETURN_ADDRESSES: dict = {}
# The address residents type, for invitation letters, QR codes and the codes CSV, e.g.
# "https://inspraak.gemeente.nl"; empty: the address the staff page was asked on (docs/report-back.rst).
BASE_URL = ""
# Population figures per survey for the dashboard's and the participatieverslag's representativeness:
# {"slug": "/path/to/kerncijfers.csv"} (a CBS-shaped margins file, see docs/analysts.rst).
SURVEY_MARGINS: dict = {}
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# LADDER_PRODUCTION=true: cookies only over HTTPS; see ladder.app.create_app.
PRODUCTION = False
# Reverse proxies in front of ladder that set X-Forwarded-For/-Proto/-Host (e.g. 1 for one nginx); 0 believes
# none of those headers. See docs/deploy.rst.
PROXY_COUNT = 0
# A bearer token for /-/metrics (Prometheus); empty: the metrics endpoint is off (404). Set it from a secret
# (LADDER_METRICS_TOKEN), never in the repository; see docs/deploy.rst.
METRICS_TOKEN = ""
