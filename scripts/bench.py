"""`make bench`: Sheba over HTTP through gunicorn, each endpoint next to its ceiling.

Run through scripts/bench.sh (it installs wrk, starts a throwaway PostgreSQL and sets the
environment). Phases:

1. migrate and seed geography, offices and the catalogue with the real commands;
2. 100,000 citizens and the first 10,000 applications, set-based SQL (tracking numbers drawn
   with ``sheba.core.tracking.generate`` and COPied in), ANALYZE;
3. gunicorn (gthread, 2 workers x 4 threads, DEBUG off); the public status lookup at 10,000;
4. the other 990,000 applications, ANALYZE;
5. wrk on the three ceilings (bare page, bare SELECT, bare INSERT) and the real endpoints
   (status lookup, dashboard, catalogue search, submission through the real apply view);
6. the table (also written to var/bench.md) and a cProfile of one endpoint per missed goal.

Every response is checked (status code, and for submissions the redirect target): a benchmark
of error pages is worthless, so any wrong answer is reported and the run fails.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import importlib.util
import io
import json
import os
import pstats
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from sheba.core import clock, tracking  # noqa: E402

CITIZEN_MOBILE_BASE = 1_700_000_000  # +8801700000000 + n
SUBMIT_SERVICE = "up-citizenship"
SEARCH_TERMS = ["নাগরিকত্ব", "nagorik sonod", "warish", "ট্রেড লাইসেন্স", "নাগরিকতব", "character certificate"]
FORM_JSON = (
    '{"name_bn": "মোঃ আব্দুল করিম", "father_name": "মোঃ আব্দুর রহিম", "mother_name": "মোছাঃ জরিনা বেগম", '
    '"date_of_birth": "1988-04-12", "identity_number": "1987263540", "ward_no": 4, '
    '"address": "গ্রাম: পাইককান্দি, ডাকঘর: গোপালগঞ্জ", "declaration": true}'
)
SMALL_PAYLOAD = FORM_JSON


# --- Helpers ----------------------------------------------------------------------------------


class Timer:
    def __init__(self) -> None:
        self.phases: list[tuple[str, float]] = []

    def run(self, name: str, func, *args, **kwargs):
        print(f"== {name} …", flush=True)
        started = time.monotonic()
        result = func(*args, **kwargs)
        took = time.monotonic() - started
        self.phases.append((name, took))
        print(f"   {name}: {took:.1f} s", flush=True)
        return result


def sql(statement: str, params=None) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def one(statement: str, params=None):
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchone()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Data -------------------------------------------------------------------------------------


def setup_database() -> None:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("import_geo", verbosity=0)
    call_command("seed_offices", verbosity=0)
    call_command("seed_catalog", verbosity=0)
    # The ceiling tables: an application-sized row and an outbox row (sheba.bench.views).
    sql(
        "CREATE TABLE IF NOT EXISTS bench_row (id bigserial PRIMARY KEY, payload jsonb NOT NULL,"
        " created_at timestamptz NOT NULL)"
    )
    sql(
        "CREATE TABLE IF NOT EXISTS bench_outbox (id uuid PRIMARY KEY, recipient varchar(254) NOT NULL,"
        " body text NOT NULL, created_at timestamptz NOT NULL)"
    )


def make_citizens(count: int) -> None:
    """``count`` citizens with profiles; each lives in a union (spread over all 4,540)."""
    sql(
        """
        INSERT INTO accounts_user (password, is_superuser, public_id, username, kind, mobile, email,
            preferred_language, is_active, is_staff, date_joined, mpin_failures, consecutive_failures)
        SELECT '!bench', false, gen_random_uuid(), m, 'citizen', m, '', 'bn', true, false,
               now() - (g %% 1000) * interval '1 day', 0, 0
        FROM (SELECT g, '+880' || (%s + g)::text AS m FROM generate_series(1, %s) g) s
        """,
        [CITIZEN_MOBILE_BASE, count],
    )
    sql(
        """
        WITH u AS (
            SELECT row_number() OVER (ORDER BY un.id) AS rn, un.id, un.upazila_id, up.district_id, d.division_id
            FROM directory_union un JOIN directory_upazila up ON up.id = un.upazila_id
            JOIN directory_district d ON d.id = up.district_id
        ), people AS (
            SELECT us.id AS user_id, row_number() OVER (ORDER BY us.id) AS k
            FROM accounts_user us WHERE us.password = '!bench'
        )
        INSERT INTO accounts_profile (name_bn, name_en, father_name, mother_name, date_of_birth, identity_kind,
            identity_number, present_line, permanent_line, updated_at, user_id,
            present_division_id, present_district_id, present_upazila_id, present_union_id,
            permanent_division_id, permanent_district_id, permanent_upazila_id, permanent_union_id)
        SELECT 'নাগরিক ' || p.k, 'Citizen ' || p.k, 'পিতা ' || p.k, 'মাতা ' || p.k,
               date '1960-01-01' + (p.k % 15000)::int, 'nid', lpad((1000000000 + p.k)::text, 10, '0'),
               'গ্রাম ' || (p.k % 97), 'গ্রাম ' || (p.k % 97), now(), p.user_id,
               u.division_id, u.district_id, u.upazila_id, u.id, u.division_id, u.district_id, u.upazila_id, u.id
        FROM people p JOIN u ON u.rn = 1 + (p.k * 7919) % (SELECT count(*) FROM directory_union)
        """
    )


class bulk_load:  # noqa: N801 (a context manager used like a statement)
    """Load big batches the fast way: foreign-key triggers off for this session (the rows are
    right by construction), secondary indexes and unique constraints dropped before the load and
    built again after it (a sorted build beats a million random inserts). Primary keys stay."""

    def __init__(self, *tables: str) -> None:
        self.tables = tables
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[str] = []

    def __enter__(self) -> bulk_load:
        sql("SET session_replication_role = replica")
        sql("SET maintenance_work_mem = '256MB'")
        for table in self.tables:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid = %s::regclass AND contype = 'u'",
                    [table],
                )
                constraints = [(table, name, definition) for name, definition in cur.fetchall()]
                cur.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s"
                    " AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass"
                    " AND contype IN ('p', 'u'))",
                    [table, table],
                )
                indexes = cur.fetchall()
            for _table, name, _definition in constraints:
                sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                sql(f'DROP INDEX "{name}"')
            self.constraints += constraints
            self.indexes += [definition for _name, definition in indexes]
        return self

    def __exit__(self, *exc) -> None:
        for table, name, definition in self.constraints:
            sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for definition in self.indexes:
            sql(definition)
        sql("RESET session_replication_role")
        sql("RESET maintenance_work_mem")


def _tracking_numbers(count: int, taken: set[str]) -> list[str]:
    """``count`` new valid tracking numbers. The same draw as ``tracking.generate`` (10 uniformly
    random characters from ``secrets``, then ``tracking.check_character``), one random byte per
    character instead of one ``secrets.choice`` call: 256 is a multiple of 32, so it stays uniform."""
    numbers: list[str] = []
    alphabet = tracking.ALPHABET
    assert len(alphabet) == 32 and tracking.RANDOM_LENGTH == 10
    while len(numbers) < count:
        body = "".join(alphabet[b & 31] for b in secrets.token_bytes(10))
        number = body + tracking.check_character(body)
        if number not in taken:
            taken.add(number)
            numbers.append(number)
    return numbers


def make_applications(first: int, last: int, citizens: int, taken: set[str]) -> None:
    """Applications ``first``..``last`` (1-based), set-based. Citizen k gets applications
    k, k+citizens, k+2*citizens…, so with 1,000,000 applications each citizen has 10.
    5 % drafts; the rest spread over every status; one history event per step taken."""
    numbers = _tracking_numbers(last - first + 1, taken)
    assert all(tracking.is_valid(n) for n in numbers[:1000])
    if last - first + 1 >= 50_000:
        with bulk_load("applications_application", "applications_applicationevent"):
            _insert_applications(first, last, citizens, numbers)
    else:
        _insert_applications(first, last, citizens, numbers)


def _insert_applications(first: int, last: int, citizens: int, numbers: list[str]) -> None:
    sql("DROP TABLE IF EXISTS bench_tn")
    sql("CREATE UNLOGGED TABLE bench_tn (n bigint PRIMARY KEY, tn varchar(11) NOT NULL)")
    with connection.cursor() as cur:
        with cur.cursor.copy("COPY bench_tn (n, tn) FROM STDIN") as copy:
            for offset, number in enumerate(numbers):
                copy.write_row((first + offset, number))
    first_user = one("SELECT min(id) FROM accounts_user WHERE password = '!bench'")[0]
    up_type = one("SELECT office_type_id FROM catalog_service WHERE slug = %s", [SUBMIT_SERVICE])[0]
    sql(
        """
        WITH s AS (SELECT array_agg(id ORDER BY id) AS a, array_agg(version ORDER BY id) AS v
                   FROM catalog_service WHERE office_type_id = %(t)s AND is_published),
             o AS (SELECT array_agg(id ORDER BY id) AS a FROM directory_office WHERE office_type_id = %(t)s AND is_active),
             r AS (
                SELECT t.n, t.tn,
                       1 + floor(power(random(), 3) * cardinality(s.a))::int AS si,
                       1 + floor(random() * cardinality(o.a))::int AS oi,
                       random() AS x,
                       now() - random() * interval '400 days' AS made,
                       s.a AS sa, s.v AS sv, o.a AS oa
                FROM bench_tn t, s, o
             ),
             q AS (
                SELECT r.*, CASE
                    WHEN r.n %% 20 = 0 THEN 'draft'
                    WHEN r.x < 0.15 THEN 'submitted'
                    WHEN r.x < 0.30 THEN 'in_review'
                    WHEN r.x < 0.35 THEN 'sent_back'
                    WHEN r.x < 0.45 THEN 'approved'
                    WHEN r.x < 0.50 THEN 'rejected'
                    ELSE 'delivered' END AS st
                FROM r
             )
        INSERT INTO applications_application (public_id, tracking_number, applicant_id, service_id,
            service_version, office_id, holder_office_id, for_self, other_name, other_mobile, form_data,
            status, submission_token, created_at, updated_at, submitted_at, due_on)
        SELECT gen_random_uuid(),
               CASE WHEN st = 'draft' THEN NULL ELSE tn END,
               %(u)s + (n - 1) %% %(c)s, sa[si], sv[si], oa[oi],
               CASE WHEN st = 'draft' THEN NULL ELSE oa[oi] END,
               true, '', '', %(form)s::jsonb, st, 'bench-' || n, made,
               made + interval '2 days',
               CASE WHEN st = 'draft' THEN NULL ELSE made + interval '1 hour' END,
               CASE WHEN st = 'draft' THEN NULL ELSE (made + interval '1 hour')::date + 3 + (n %% 28)::int END
        FROM q
        """,
        {"t": up_type, "u": first_user, "c": citizens, "form": FORM_JSON},
    )
    high = one("SELECT max(id) FROM applications_application")[0]
    low = high - (last - first)  # one INSERT in one session: the identity values are consecutive
    sql(
        """
        INSERT INTO applications_applicationevent (at, from_status, to_status, note, data, actor_id,
            application_id, office_id)
        SELECT submitted_at, 'draft', 'submitted', '', '{}'::jsonb, applicant_id, id, office_id
        FROM applications_application WHERE id BETWEEN %s AND %s AND status <> 'draft'
        UNION ALL
        SELECT submitted_at + interval '1 day', 'submitted', status, '', '{}'::jsonb, NULL, id, office_id
        FROM applications_application WHERE id BETWEEN %s AND %s AND status NOT IN ('draft', 'submitted')
        """,
        [low, high, low, high],
    )
    sql("DROP TABLE bench_tn")


def copy_database(url: str, name: str) -> None:
    """A copy of the benchmark database as it is now (CREATE DATABASE … TEMPLATE)."""
    import psycopg

    connection.close()
    source = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/template1", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')


def analyze() -> None:
    """Statistics, hint bits and the visibility map set now, and dirty pages written, so that
    neither autovacuum nor first reads of fresh rows run during the measurements."""
    sql("VACUUM (ANALYZE)")
    sql("CHECKPOINT")


def sample_tracking_numbers(count: int, below_id: int | None = None) -> list[str]:
    where = "AND id <= %s" if below_id else ""
    params = [below_id] if below_id else []
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT tracking_number FROM applications_application TABLESAMPLE SYSTEM (5)"
            f" WHERE tracking_number IS NOT NULL {where} LIMIT %s",
            [*params, count],
        )
        rows = [r[0] for r in cur.fetchall()]
    if len(rows) < count:  # small tables: TABLESAMPLE may return few rows
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT tracking_number FROM applications_application WHERE tracking_number IS NOT NULL {where}"
                f" ORDER BY random() LIMIT %s",
                [*params, count],
            )
            rows = [r[0] for r in cur.fetchall()]
    return rows


# --- Sessions, CSRF and drafts ----------------------------------------------------------------


def session_cookie(user) -> str:
    """A logged-in citizen session, as django.contrib.auth.login and our session limits leave it."""
    now = clock.now().timestamp()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["auth_started_at"] = now
    store["last_activity_at"] = now
    store.create()
    from sheba.accounts.models import SessionRecord

    SessionRecord.objects.create(session_key=store.session_key, user=user, created_at=clock.now())
    return store.session_key


def dashboard_users(count: int):
    from sheba.accounts.models import User

    return list(User.objects.filter(password="!bench").order_by("pk")[:count])


def prepare_submissions(count: int):
    """A citizen with a profile and an NID copy in the locker, and ``count`` drafts of the
    citizenship certificate at their own Union Parishad (made with set-based SQL, as
    ``application_start`` would leave them). Returns (user, version, drafts)."""
    from PIL import Image

    from sheba.accounts.models import Profile, User, UserKind
    from sheba.catalog.models import Service
    from sheba.directory.models import Office
    from sheba.locker.services import document_upload

    service = Service.objects.get(slug=SUBMIT_SERVICE)
    office = Office.objects.filter(office_type=service.office_type, is_active=True).select_related(
        "union", "upazila", "district"
    ).order_by("pk").first()
    user = User.objects.create_user("+8801999999999", None, kind=UserKind.CITIZEN, mobile="+8801999999999")
    Profile.objects.create(
        user=user, name_bn="মোঃ আব্দুল করিম", name_en="Md Abdul Karim", father_name="মোঃ আব্দুর রহিম",
        mother_name="মোছাঃ জরিনা বেগম", identity_kind="nid", identity_number="1987263540",
        present_union=office.union, present_upazila=office.upazila, present_district=office.district,
    )
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(picture, format="PNG")
    version = document_upload(
        actor=user, owner=user, kind="nid_copy",
        uploaded_file=SimpleUploadedFile("nid.png", picture.getvalue(), content_type="image/png"),
    )
    if not version.is_usable:
        raise SystemExit("The NID copy for the submission bench is not usable (virus scan?).")
    run = secrets.token_hex(4)
    sql(
        """
        INSERT INTO applications_application (public_id, tracking_number, applicant_id, service_id,
            service_version, office_id, holder_office_id, for_self, other_name, other_mobile, form_data,
            status, submission_token, created_at, updated_at)
        SELECT gen_random_uuid(), NULL, %s, %s, %s, %s, NULL, true, '', '', '{}'::jsonb, 'draft',
               'submit-' || %s || '-' || g, now(), now()
        FROM generate_series(1, %s) g
        """,
        [user.pk, service.pk, service.version, office.pk, run, count],
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT public_id, submission_token FROM applications_application WHERE submission_token LIKE %s"
            " ORDER BY id",
            [f"submit-{run}-%"],
        )
        drafts = [(str(r[0]), r[1]) for r in cur.fetchall()]
    return user, version, drafts


def csrf_pair() -> tuple[str, str]:
    """(cookie secret, form token) as Django's CsrfViewMiddleware hands them out."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


def submit_body(version_public_id: str, token: str, csrf_token: str) -> str:
    """The apply page's POST (prefix f-), as the browser sends it for «জমা দিন»."""
    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf_token,
            "submission_token": token,
            "for_whom": "self",
            "f-name_bn": "মোঃ আব্দুল করিম",
            "f-name_en": "Md Abdul Karim",
            "f-father_name": "মোঃ আব্দুর রহিম",
            "f-mother_name": "মোছাঃ জরিনা বেগম",
            "f-date_of_birth": "1988-04-12",
            "f-identity_number": "১৯৮৭২৬৩৫৪০",
            "f-ward_no": "4",
            "f-address": "গ্রাম: পাইককান্দি, ডাকঘর: গোপালগঞ্জ",
            "f-declaration": "on",
            "doc_nid_copy": version_public_id,
            "action": "submit",
        }
    )


# --- gunicorn and wrk -------------------------------------------------------------------------


GUNICORN_CONFIG = """
# Written by scripts/bench.py. settings.py opens a database connection per request
# (conn_max_age=0); each gunicorn thread keeps one here (at most workers x threads connections).
def post_worker_init(worker):
    from django.conf import settings
    settings.DATABASES["default"]["CONN_MAX_AGE"] = %(age)d
    settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
"""


class Server:
    def __init__(self, port: int, workers: int, threads: int, conn_max_age: int, database_url: str,
                 log_name: str = "bench-gunicorn.log") -> None:
        self.port = port
        self.log = open(ROOT / "var" / log_name, "w")  # noqa: SIM115
        config = Path(tempfile.gettempdir()) / f"sheba-bench-gunicorn-{port}.conf.py"
        config.write_text(GUNICORN_CONFIG % {"age": conn_max_age}, encoding="utf-8")
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-k", "gthread", "-c", str(config),
                "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning", "--backlog", "2048",
            ],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/bench/bare/page/"), timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
            if self.proc.poll() is not None:
                break
        self.stop()
        raise SystemExit("gunicorn did not start; see var/bench-gunicorn.log")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def _lua_string(text: str) -> str:
    """A Lua string literal of ``text``'s UTF-8 bytes (3-digit decimal escapes for anything unusual)."""
    safe = "/?=&%-_.:;, "
    return '"' + "".join(
        chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) in safe) else f"\\{b:03d}"
        for b in text.encode("utf-8")
    ) + '"'


LUA = r"""
-- Generated by scripts/bench.py: rotate through the requests below, check every answer.
local requests_ = { %(requests)s }
local method = %(method)s
local expect = %(expect)d
local location_pattern = %(location)s
local wrap = %(wrap)s
local nthreads = %(threads)d
local common = { %(headers)s }
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = tid
  bad = 0
  bad_status = 0
  exhausted = 0
end

function request()
  local i = counter + 1
  counter = counter + nthreads
  if i > #requests_ then
    if wrap then
      i = (i - 1) %% #requests_ + 1
    else
      exhausted = exhausted + 1
      i = #requests_
    end
  end
  local r = requests_[i]
  local headers = {}
  for k, v in pairs(common) do headers[k] = v end
  if r[3] then headers["Cookie"] = r[3] end
  return wrk.format(method, r[1], headers, r[2])
end

function response(status, headers, body)
  local ok = status == expect
  if ok and location_pattern then
    local location = headers["Location"] or ""
    ok = string.match(location, location_pattern) ~= nil
  end
  if not ok then
    bad = bad + 1
    bad_status = status
  end
end

function done(summary, latency, requests)
  local total_bad, last_status, total_exhausted = 0, 0, 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
    total_exhausted = total_exhausted + t:get("exhausted")
    if t:get("bad_status") ~= 0 then last_status = t:get("bad_status") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCHJSON {\"requests\": %%d, \"duration_us\": %%d, \"p50_us\": %%d, \"p99_us\": %%d, \"connect\": %%d, " ..
    "\"read\": %%d, \"write\": %%d, \"status\": %%d, \"timeout\": %%d, \"bad\": %%d, \"bad_status\": %%d, " ..
    "\"exhausted\": %%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.connect, e.read,
    e.write, e.status, e.timeout, total_bad, last_status, total_exhausted))
end
"""


def wrk(server: Server, name: str, requests: list[tuple], *, duration: float, threads: int, connections: int,
        method: str = "GET", expect: int = 200, location: str | None = None, wrap: bool = True,
        headers: dict[str, str] | None = None) -> dict:
    """Run wrk against ``requests`` (path, body or None, cookie or None) and return its numbers."""
    lines = []
    for path, body, cookie in requests:
        parts = [_lua_string(path), _lua_string(body) if body is not None else "nil",
                 _lua_string(cookie) if cookie else "nil"]
        lines.append("{" + ", ".join(parts) + "}")
    script = LUA % {
        "requests": ",\n".join(lines),
        "method": _lua_string(method),
        "expect": expect,
        "location": _lua_string(location) if location else "nil",
        "wrap": "true" if wrap else "false",
        "threads": threads,
        "headers": ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        path = handle.name
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s", "-s", path,
             server.url("/")],
            capture_output=True, text=True, check=False,
        )
    finally:
        os.unlink(path)
    match = re.search(r"^BENCHJSON (.*)$", out.stdout, re.M)
    if not match:
        raise SystemExit(f"wrk failed for {name}:\n{out.stdout}\n{out.stderr}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0.0
    socket_errors = result["connect"] + result["read"] + result["write"] + result["timeout"]
    result["errors"] = result["bad"] + socket_errors + result["exhausted"]
    note = ""
    if result["errors"]:
        note = (f"  !! {result['bad']} wrong answers (last status {result['bad_status']}), {socket_errors} socket"
                f" errors/timeouts, {result['exhausted']} beyond the prepared requests")
    print(f"   {name}: {result['rps']:.0f} req/s, p50 {result['p50_us'] / 1000:.1f} ms, "
          f"p99 {result['p99_us'] / 1000:.1f} ms, {result['requests']} requests{note}", flush=True)
    return result


def best_of(repeat: int, *args, **kwargs) -> dict:
    """The best of ``repeat`` wrk runs (the machine is shared: other load only ever slows a run)."""
    runs = [wrk(*args, **kwargs) for _ in range(repeat)]
    best = max(runs, key=lambda r: r["rps"])
    best["errors"] = sum(r["errors"] for r in runs)
    return best


def check_one(server: Server, path: str, *, expect: int = 200, cookie: str | None = None, body: str | None = None,
              location: str | None = None) -> None:
    """One request by hand before the load: the answer must be the real page, not an error."""
    headers = {"Cookie": cookie} if cookie else {}
    data = body.encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(urllib.request.Request(server.url(path), data=data, headers=headers), timeout=30)
        status, got_location = response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        status, got_location = exc.code, exc.headers.get("Location", "")
    if status != expect or (location and not re.match(location, got_location)):
        raise SystemExit(f"{path}: expected {expect}, got {status} {got_location}; see var/bench-gunicorn.log")


# --- Profiles ---------------------------------------------------------------------------------


def profile(name: str, make_request, repeat: int = 100) -> str:
    """cProfile of ``repeat`` requests through Django's test client, in this process."""
    make_request()  # warm
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        make_request()
    profiler.disable()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        make_request()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"sheba|django/(template|db/models/sql|db/backends|contrib/sessions|middleware)", 25)
    text = out.getvalue()
    start = text.find("ncalls")
    per_request = stats.total_tt / repeat * 1000
    return (
        f"### {name}: cProfile of {repeat} requests (cumulative)\n\n{len(queries.captured_queries)} SQL statements"
        f" per request; {per_request:.1f} ms per request under the profiler, in process.\n\n"
        f"```\n{text[start:].strip()}\n```\n"
    )


# --- Main -------------------------------------------------------------------------------------


# Modules with ``run(harness) -> list[dict]``, run after the core endpoints on the same server.
PLUGINS = [
    "sheba.workflow.bench",
    "sheba.audit.bench_chain",
    "sheba.payments.bench",
    "sheba.certificates.bench",
]


class Harness:
    """What a benchmark plugin gets. A plugin returns rows, each either an HTTP measurement
    ``{"endpoint", "rps", "p50_us", "p99_us", "errors", "ceiling": "bare SELECT"|"bare INSERT",
    "goal": "≥ 50 %", "goal_ratio": 0.5}`` (use ``h.wrk``'s result for the numbers) or a plain
    measurement ``{"endpoint", "result": "42.0 s", "goal": "< 60 s", "met": True, "hard": False}``.
    ``h.wrk(name, requests, **options)`` runs wrk (warm-up, then best of ``repeat``) on the running
    gunicorn against the benchmark database; requests are (path, body or None, cookie or None);
    options as for ``wrk`` (method, expect, location, wrap, headers)."""

    def __init__(self, *, server, load, warm, repeat, quick, timer, select_rps, insert_rps) -> None:
        self.server, self.load, self.warm, self.repeat, self.quick = server, load, warm, repeat, quick
        self.timer, self.select_rps, self.insert_rps = timer, select_rps, insert_rps
        self.sql, self.one, self.check_one = sql, one, check_one
        self.session_cookie, self.csrf_pair = session_cookie, csrf_pair

    def wrk(self, name: str, requests: list[tuple], *, warm_up: bool = True, **options) -> dict:
        if warm_up:
            wrk(self.server, f"{name} (warm-up)", requests, **{**self.load, "duration": self.warm}, **options)
        return best_of(self.repeat, self.server, name, requests, **self.load, **options)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 citizens, 100,000 applications, 3 s runs")
    parser.add_argument("--citizens", type=int)
    parser.add_argument("--applications", type=int)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, help="runs per endpoint, the best kept (default 2; 1 with --quick)")
    parser.add_argument("--core-only", action="store_true",
                        help="only the ceilings and the four core endpoints (no plugins of the other apps)")
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="seconds gunicorn threads keep their database connection (0: one per request)")
    args = parser.parse_args()
    citizens = args.citizens or (10_000 if args.quick else 100_000)
    applications = args.applications or (100_000 if args.quick else 1_000_000)
    small = min(10_000, applications)
    duration = args.duration or (3.0 if args.quick else 10.0)
    warm = 1.0 if args.quick else 3.0
    repeat = args.repeat or (1 if args.quick else 2)
    load = {"duration": duration, "threads": args.threads, "connections": args.connections}
    timer = Timer()
    started = time.monotonic()
    (ROOT / "var").mkdir(exist_ok=True)

    timer.run("migrate and seed (geography, offices, catalogue)", setup_database)
    timer.run(f"generate {citizens:,} citizens", make_citizens, citizens)
    taken: set[str] = set()
    timer.run(f"generate applications 1–{small:,}", make_applications, 1, small, citizens, taken)
    timer.run("VACUUM ANALYZE", analyze)

    # The lookup at 10,000 is measured on a copy of the database as it is now, served by a
    # second gunicorn, alternately with the lookup at 1,000,000: both see the same machine load.
    numbers_small = sample_tracking_numbers(1000)
    database_url = os.environ["DATABASE_URL"]
    small_url = database_url.rsplit("/", 1)[0] + "/sheba_small"
    timer.run(f"copy the database at {small:,} applications", copy_database, database_url, "sheba_small")
    server_small = Server(free_port(), workers=2, threads=4, conn_max_age=args.conn_max_age,
                          database_url=small_url, log_name="bench-gunicorn-small.log")
    server = Server(free_port(), workers=2, threads=4, conn_max_age=args.conn_max_age, database_url=database_url)
    results: dict[str, dict] = {}
    profiles: list[str] = []
    plugin_rows: list[dict] = []
    try:
        status_small = [(f"/applications/status/?number={tracking.display(n)}", None, None) for n in numbers_small]
        check_one(server_small, status_small[0][0])

        if applications > small:
            timer.run(f"generate applications {small + 1:,}–{applications:,}", make_applications, small + 1,
                      applications, citizens, taken)
            timer.run("VACUUM ANALYZE", analyze)
        data_seconds = sum(t for name, t in timer.phases if name.startswith(("generate", "VACUUM")))

        numbers = sample_tracking_numbers(2000)
        select_requests = [(f"/bench/bare/select/?k={n}", None, None) for n in numbers]
        status_requests = [(f"/applications/status/?number={tracking.display(n)}", None, None) for n in numbers]
        users = dashboard_users(50)
        cookie_name = settings.SESSION_COOKIE_NAME
        dashboard_requests = [("/applications/mine/", None, f"{cookie_name}={session_cookie(u)}") for u in users]
        search_requests = [(f"/services/?q={urllib.parse.quote(term)}", None, None) for term in SEARCH_TERMS]
        drafts_needed = int(max(2000, 800 * duration) * 1.5 + 300 * warm)
        submitter, version, drafts = timer.run(
            f"prepare {drafts_needed:,} drafts", prepare_submissions, drafts_needed + 50
        )
        secret, csrf_token = csrf_pair()
        submit_cookie = f"{cookie_name}={session_cookie(submitter)}; {settings.CSRF_COOKIE_NAME}={secret}"
        submit_requests = [
            (f"/applications/{public_id}/edit/", submit_body(str(version.public_id), token, csrf_token), submit_cookie)
            for public_id, token in drafts
        ]
        profile_drafts, submit_requests = submit_requests[:50], submit_requests[50:]
        warm_drafts, submit_requests = submit_requests[: int(300 * warm)], submit_requests[int(300 * warm):]
        post = {"method": "POST", "expect": 302, "location": r"^/applications/[%x%-]+/$", "wrap": False,
                "headers": {"Content-Type": "application/x-www-form-urlencoded"}}

        check_one(server, select_requests[0][0])
        check_one(server, status_requests[0][0])
        check_one(server, "/applications/mine/", cookie=dashboard_requests[0][2])
        check_one(server, search_requests[0][0])
        check_one(server, "/bench/bare/insert/", expect=201, body="")
        path, body, cookie = profile_drafts.pop()
        check_one(server, path, expect=302, cookie=cookie, body=body, location=r"^/applications/[0-9a-f-]+/$")

        wrk(server_small, "status lookup (warm-up, 10k)", status_small, **{**load, "duration": warm})
        wrk(server, "status lookup (warm-up)", status_requests, **{**load, "duration": warm})

        def alternate() -> tuple[dict, dict]:
            big, little = [], []
            for _ in range(max(2, repeat)):
                big.append(wrk(server, "status lookup", status_requests, **load))
                little.append(wrk(server_small, f"status lookup ({small:,})", status_small, **load))
            return (max(big, key=lambda r: r["rps"]) | {"errors": sum(r["errors"] for r in big)},
                    max(little, key=lambda r: r["rps"]) | {"errors": sum(r["errors"] for r in little)})

        results["status lookup"], results["status_10k"] = timer.run(
            f"wrk status lookup at {applications:,} and {small:,}, alternately", alternate
        )
        phases = [
            ("bare page", [("/bench/bare/page/", None, None)], {}),
            ("bare SELECT", select_requests, {}),
            ("bare INSERT", [("/bench/bare/insert/", "", None)], {"method": "POST", "expect": 201}),
            ("dashboard", dashboard_requests, {}),
            ("search", search_requests, {}),
        ]
        for name, requests, options in phases:
            wrk(server, f"{name} (warm-up)", requests, **{**load, "duration": warm}, **options)
            results[name] = timer.run(f"wrk {name}", best_of, repeat, server, name, requests, **load, **options)
        submitted_before = one("SELECT count(*) FROM applications_application WHERE applicant_id = %s"
                               " AND status = 'submitted'", [submitter.pk])[0]
        wrk(server, "submission (warm-up)", warm_drafts, **{**load, "duration": warm}, **post)
        time.sleep(3)
        submitted_before = one("SELECT count(*) FROM applications_application WHERE applicant_id = %s"
                               " AND status = 'submitted'", [submitter.pk])[0]
        results["submission"] = timer.run("wrk submission", wrk, server, "submission", submit_requests, **load, **post)
        time.sleep(3)  # requests still in flight when wrk stopped its clock are not counted by wrk
        submitted_after = one("SELECT count(*) FROM applications_application WHERE applicant_id = %s"
                              " AND status = 'submitted'", [submitter.pk])[0]
        results["submission"]["db_submitted"] = submitted_after - submitted_before

        # Benchmarks of the other apps (inbox, decisions, payments, certificates, audit): each module
        # in PLUGINS that exists has run(harness) -> rows; see Harness.
        harness = Harness(server=server, load=load, warm=warm, repeat=repeat, quick=args.quick, timer=timer,
                          select_rps=results["bare SELECT"]["rps"], insert_rps=results["bare INSERT"]["rps"])
        for module_name in [] if args.core_only else PLUGINS:
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            plugin_rows.extend(timer.run(f"plugin {module_name}", module.run, harness))
    finally:
        server.stop()
        server_small.stop()

    # --- The table ------------------------------------------------------------------------------
    select_rps = results["bare SELECT"]["rps"]
    insert_rps = results["bare INSERT"]["rps"]
    rows = []

    def row(endpoint, key, ceiling_name, ceiling_rps, goal, goal_ratio):
        r = results[key]
        ratio = r["rps"] / ceiling_rps if ceiling_rps else None
        met = None if goal_ratio is None else (ratio is not None and ratio >= goal_ratio and not r["errors"])
        rows.append((endpoint, r, ceiling_name, ratio, goal, met))

    row("bare page (ceiling)", "bare page", "—", None, "—", None)
    row("bare SELECT by tracking number (ceiling)", "bare SELECT", "—", None, "—", None)
    row("bare INSERT row + outbox row (ceiling)", "bare INSERT", "—", None, "—", None)
    row(f"status lookup, {applications:,} applications", "status lookup", "bare SELECT", select_rps, "≥ 70 %", 0.70)
    row(f"status lookup, {small:,} applications", "status_10k", "bare SELECT", select_rps, "—", None)
    row("dashboard (10 applications)", "dashboard", "bare SELECT", select_rps, "≥ 50 %", 0.50)
    row("catalogue search", "search", "bare SELECT", select_rps, "≥ 40 %", 0.40)
    row("submission (real apply view)", "submission", "bare INSERT", insert_rps, "≥ 40 %", 0.40)

    for extra in plugin_rows:
        if "rps" in extra:
            ceiling_rps = {"bare SELECT": select_rps, "bare INSERT": insert_rps}.get(extra.get("ceiling", ""))
            ratio = extra["rps"] / ceiling_rps if ceiling_rps else None
            goal_ratio = extra.get("goal_ratio")
            met = None if goal_ratio is None else (ratio is not None and ratio >= goal_ratio
                                                   and not extra.get("errors"))
            rows.append((extra["endpoint"], {"rps": extra["rps"], "p50_us": extra.get("p50_us", 0),
                                             "p99_us": extra.get("p99_us", 0), "errors": extra.get("errors", 0)},
                         extra.get("ceiling", "—"), ratio, extra.get("goal", "—"), met))

    scale = results["status_10k"]["rps"] / results["status lookup"]["rps"] if results["status lookup"]["rps"] else 0
    scale_p50 = results["status lookup"]["p50_us"] / max(1, results["status_10k"]["p50_us"])
    scale_met = scale <= 1.2

    def pct(x):
        return "—" if x is None else f"{100 * x:.0f} %"

    def yn(x):
        return "—" if x is None else ("yes" if x else "**no**")

    lines = [
        f"Sheba benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {citizens:,} citizens, "
        f"{applications:,} applications, PostgreSQL 15, gunicorn gthread 2 workers × 4 threads, DEBUG off, "
        f"CONN_MAX_AGE={args.conn_max_age}; best of {repeat} runs (submission: 1); "
        f"wrk -t{args.threads} -c{args.connections} -d{duration:g}s on the same {os.cpu_count()} cores "
        "(shared machine: numbers are noisy).",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | errors | ceiling | ratio to ceiling | goal | met? |",
        "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for endpoint, r, ceiling_name, ratio, goal, met in rows:
        lines.append(
            f"| {endpoint} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} | {r['errors']} "
            f"| {ceiling_name} | {pct(ratio)} | {goal} | {yn(met)} |"
        )
    lines.append(
        f"| status lookup {applications:,} vs {small:,} | {scale:.2f}× (req/s at {small:,} ÷ at {applications:,}; "
        f"p50 {scale_p50:.2f}×) | | | | "
        f"lookup at {small:,} | | ≤ 1.2× | {yn(scale_met)} |"
    )
    measured = [extra for extra in plugin_rows if "rps" not in extra]
    if measured:
        lines += ["", "| measurement | result | goal | met? |", "|---|---|---|---|"]
        lines += [f"| {m['endpoint']} | {m['result']} | {m.get('goal', '—')} | {yn(m.get('met'))} |"
                  for m in measured]
    failed_plugins = any(m.get("met") is False and m.get("hard") for m in measured)
    sub = results["submission"]
    lines += [
        "",
        f"Submission posts the real apply form (/applications/<id>/edit/, action=submit, CSRF, session, one locker "
        f"file) on a different pre-made draft each request: {sub['db_submitted']:,} drafts became submitted for "
        f"{sub['requests']:,} requests. Every answer was checked (status code; submissions must redirect to the "
        "application page); the errors column counts wrong answers and socket errors.",
        "",
        f"The lookup at {small:,} runs on a copy of the database made when it held {small:,} applications, served "
        f"by a second, identical gunicorn, alternately with the lookup at {applications:,} (best of each), so both "
        "see the same machine load.",
        "",
        "Phases: " + "; ".join(f"{name} {took:.1f} s" for name, took in timer.phases)
        + f"; data generation in all {data_seconds:.0f} s; whole run {time.monotonic() - started:.0f} s.",
    ]
    # wrk counts the answers within its clock; up to one request per connection is still in flight.
    count_ok = sub["requests"] <= sub["db_submitted"] <= sub["requests"] + args.connections
    failed = (any(r["errors"] for r in results.values()) or not count_ok or failed_plugins
              or any(extra.get("errors") for extra in plugin_rows))
    if not count_ok:
        lines.append(f"\n**Submission count mismatch**: {sub['requests']} requests, {sub['db_submitted']} submitted.")

    # --- Profiles of the missed goals ---------------------------------------------------------
    from django.test import Client

    missed = {endpoint: met for endpoint, _r, _c, _ratio, _g, met in rows if met is False}
    if missed:
        for endpoint in missed:
            client = Client()
            if endpoint.startswith("status lookup"):
                todo = iter([p for p, _b, _c in status_requests[:100]] * 3)
                profiles.append(profile(endpoint, lambda c=client, t=todo: c.get(next(t))))
            elif endpoint.startswith("dashboard"):
                client.cookies[cookie_name] = dashboard_requests[0][2].split("=", 1)[1]
                profiles.append(profile(endpoint, lambda c=client: c.get("/applications/mine/")))
            elif endpoint.startswith("catalogue"):
                todo = iter([p for p, _b, _c in search_requests] * 50)
                profiles.append(profile(endpoint, lambda c=client, t=todo: c.get(next(t))))
            elif endpoint.startswith("submission") and len(profile_drafts) > 20:
                client.cookies[cookie_name] = submit_cookie.split(";")[0].split("=", 1)[1]
                client.cookies[settings.CSRF_COOKIE_NAME] = secret
                todo = iter(profile_drafts)

                def submit_one(c=client, t=todo):
                    path, body, _cookie = next(t)
                    c.post(path, body, content_type="application/x-www-form-urlencoded")

                profiles.append(profile(endpoint, submit_one, repeat=len(profile_drafts) - 2))
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    report = table + ("\n## Profiles of the missed goals\n\n" + "\n".join(profiles) if profiles else "")
    (ROOT / "var").mkdir(exist_ok=True)  # (someone may have run `make clean` meanwhile)
    (ROOT / "var" / "bench.md").write_text(report, encoding="utf-8")
    if profiles:
        print("Profiles of the missed goals: var/bench.md")
    return 1 if failed else 0


if __name__ == "__main__":
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run through scripts/bench.sh")
    sys.exit(main())
