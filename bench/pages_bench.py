"""Benchmark of the register pages at municipality scale (DESIGN §7): list and household page p95
with 10 concurrent users on loopback, against a real server and PostgreSQL.

Run from the project folder, with a PostgreSQL database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siex_bench .venv/bin/python bench/pages_bench.py

It uses the same data as bench/job_bench.py (30,000 households, 150,000 registered interventions,
built once and found again on reruns) and one finished calculation, so that household pages show an
expected return. It starts gunicorn (production-like: DEBUG off, 3 worker processes) on a free
loopback port, signs 10 policy officers in through the login form and lets them request pages at
the same time: the register list (first page, a later page, a search, filters, another sort order)
and household pages, first pausing about a second after each page as a reader does, then back to
back to find where the server saturates. Every request also writes its access-log entry, as in
production. It prints p50 / p95 / max per kind of page against the targets (lists p95 < 200 ms,
household pages too), and compares the list's
query (``register_page``: no COUNT of the register, a capped count, interventions counted for the
page only) with a straightforward Paginator over the register with the interventions counted in
the same query, in the same run.

Options: ``--requests N`` per user and kind of page (default 40), ``--users N`` (default 10),
``--think S`` (mean pause, default 1 s), ``--json``, ``--check`` (exit status 1 when a target is
missed with pauses). See bench/README.md.
"""

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/siex_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siex.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-real-installation")
os.environ.setdefault("SIEX_PSEUDONYM_KEY", "bench-only-pseudonym-key-not-for-real-households")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import bench_data  # noqa: E402
import job_bench as jb  # noqa: E402

PASSWORD = "bench-only-password-123"  # noqa: S105 - users of the benchmark database only
WORKERS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, no outside input
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "siex.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /health/ within a minute")


class Officer:
    """One signed-in browser: a keep-alive connection with the session cookie."""

    def __init__(self, port: int, username: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self._sign_in(username)

    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _remember(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, path: str) -> tuple[int, float, bytes]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self._cookie_header())
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        self._remember(response)
        return response.status, elapsed, body

    def _sign_in(self, username: str) -> None:
        status, _, body = self.get("/account/inloggen/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        self.connection.request(
            "POST",
            "/account/inloggen/",
            body=form,
            headers={
                **self._cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "http://127.0.0.1/account/inloggen/",
            },
        )
        response = self.connection.getresponse()
        response.read()
        self._remember(response)
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in failed for {username}: {response.status}")
        if username in TOTP_KEYS:
            self.second_step(TOTP_KEYS[username])

    def second_step(self, key: str) -> None:
        """The authenticator app's code after the password, for a role that requires it (the
        project lead): the TOTP of ``key``, the device's key (``totp_keys``)."""
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # A code is accepted once: the device forgets the last one it took, so that the same
        # user may sign in again within one time step (the warm-up, then the measurement).
        TOTPDevice.objects.filter(key=key).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        path = _reverse("accounts:two-factor")
        _status, _elapsed, body = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        form = {
            "code": f"{totp(bytes.fromhex(key)):06d}",
            "csrfmiddlewaretoken": token.group(1).decode() if token else "",
        }
        self.connection.request(
            "POST",
            path,
            body=urlencode(form),
            headers={
                **self._cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1{path}",
            },
        )
        response = self.connection.getresponse()
        response.read()
        if response.status != 302:
            raise RuntimeError(f"the second sign-in step was refused: {response.status}")
        self._remember(response)


ROLES = ("officer", "lead", "council")

#: The authenticator app's key per username whose role requires the second sign-in step
#: (``totp_keys``, filled by ``prepare``): the project leads.
TOTP_KEYS: dict[str, str] = {}


def totp_keys(prepared: dict) -> dict[str, str]:
    """An authenticator app (a confirmed TOTP device) with a known key for every account whose
    role requires the second sign-in step (the project leads); the keys by username."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from siex.accounts.selectors import two_factor_required

    keys = {}
    for username, _role in prepared["users"]:
        user = get_user_model().objects.get(username=username)
        if not two_factor_required(user):
            continue
        key = hashlib.sha256(f"siex-bench {username}".encode()).hexdigest()[:40]
        TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
        TOTPDevice.objects.update_or_create(
            user=user, defaults={"name": "bench", "key": key, "confirmed": True}
        )
        keys[username] = key
    return keys


@dataclass(frozen=True)
class Page:
    """A page the benchmark requests: who requests it, how its address is made (from the
    prepared data and the user's random generator; ``NoReverseMatch`` when the page does not
    exist yet) and its target p95. A new page is one more line in ``PAGES``."""

    name: str
    role: str
    url: Callable[[dict, random.Random], str]
    target_ms: float


def _reverse(name: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


def _version(prepared: dict, role: str):
    """Council members read fixed versions only: the benchmark's fixed one; the project lead the
    draft that counts the live register."""
    return prepared["fixed" if role == "council" else "draft"]


def _chart(role: str) -> Callable[[dict, random.Random], str]:
    def url(prepared: dict, rng: random.Random) -> str:
        return _reverse(
            "calculation:run-chart",
            pk=_version(prepared, role)["run"],
            key=rng.choice(CHART_KEYS),
            file_format=rng.choice(("csv", "xlsx")),
        )

    return url


def _compare(prepared: dict, rng: random.Random) -> str:
    versions = [prepared["draft"]["pk"], prepared["fixed"]["pk"]]
    query = {"versions": versions, "baseline": versions[1]}
    return _reverse("calculation:compare") + "?" + urlencode(query, doseq=True)


CHART_KEYS = ("grex", "monte_carlo", "actors", "who_pays", "tornado")
LIST_MS, PAGE_MS = 200.0, 300.0

#: Every page measured: (name, role, address, target p95 in ms). Lists 200 ms, dashboard and
#: results pages 300 ms (DESIGN §7). Pages that do not exist (yet) are skipped with a note.
PAGES: tuple[Page, ...] = (
    Page("register list", "officer", lambda p, rng: rng.choice(list_paths(p, rng)), LIST_MS),
    Page(
        "household page",
        "officer",
        lambda p, rng: f"/huishoudens/{rng.choice(p['households'])}/",
        LIST_MS,
    ),
    Page("scenario list", "lead", lambda p, rng: _reverse("calculation:scenarios"), LIST_MS),
    Page(
        "version page",
        "lead",
        lambda p, rng: _reverse("calculation:version", pk=p["draft"]["pk"]),
        PAGE_MS,
    ),
    Page(
        "run (results) page",
        "lead",
        lambda p, rng: _reverse("calculation:run", pk=p["draft"]["run"]),
        PAGE_MS,
    ),
    Page("chart download", "lead", _chart("lead"), PAGE_MS),
    Page("compare page", "lead", _compare, PAGE_MS),
    Page("photo list", "lead", lambda p, rng: _reverse("photos:list"), LIST_MS),
    Page(
        "area photo page",
        "lead",
        lambda p, rng: _reverse("photos:area", code=rng.choice(p["district_codes"])),
        PAGE_MS,
    ),
    Page("scenario list", "council", lambda p, rng: _reverse("calculation:scenarios"), LIST_MS),
    Page(
        "version page",
        "council",
        lambda p, rng: _reverse("calculation:version", pk=p["fixed"]["pk"]),
        PAGE_MS,
    ),
    Page(
        "run (results) page",
        "council",
        lambda p, rng: _reverse("calculation:run", pk=p["fixed"]["run"]),
        PAGE_MS,
    ),
    Page("chart download", "council", _chart("council"), PAGE_MS),
    Page("photo list", "council", lambda p, rng: _reverse("photos:list"), LIST_MS),
    Page(
        "kept photo page",
        "council",
        lambda p, rng: _reverse("photos:detail", pk=p["photo"]),
        PAGE_MS,
    ),
    Page("start page (dashboard)", "council", lambda p, rng: _reverse("home"), PAGE_MS),
    Page("dashboard", "council", lambda p, rng: _reverse("calculation:dashboard"), PAGE_MS),
    Page("dashboard", "lead", lambda p, rng: _reverse("calculation:dashboard"), PAGE_MS),
    Page("wijk map", "lead", lambda p, rng: _reverse("photos:map"), PAGE_MS),
    Page("wijk map", "council", lambda p, rng: _reverse("photos:map"), PAGE_MS),
    Page(
        "participants distribution",
        "lead",
        lambda p, rng: _reverse("calculation:version-participants", pk=p["draft"]["pk"]),
        PAGE_MS,
    ),
    Page(
        "participants distribution",
        "council",
        lambda p, rng: _reverse("calculation:version-participants", pk=p["fixed"]["pk"]),
        PAGE_MS,
    ),
    Page(
        "council brief",
        "council",
        lambda p, rng: _reverse("calculation:version-brief", pk=p["fixed"]["pk"]),
        PAGE_MS,
    ),
)


def page_key(page: Page) -> str:
    return f"{page.name} ({page.role})"


def available_pages(prepared: dict) -> tuple[list[Page], list[str]]:
    """The pages whose address resolves, and a note for each one that does not."""
    from django.urls import NoReverseMatch

    found, notes = [], []
    for page in PAGES:
        try:
            page.url(prepared, random.Random(0))
        except NoReverseMatch:
            notes.append(f"{page_key(page)}: no such URL yet, skipped")
            continue
        found.append(page)
    return found, notes


def _fixed_version(document: dict):
    """The benchmark's scenario as a second scenario whose version is fixed (vastgesteld), with
    the register frozen into it, as the council reads it."""
    from calculation.services import scenario_load_file, scenario_version_fix

    scenario = {key: value for key, value in document.items() if key not in ("catalogue", "intake")}
    scenario["code"] = f"{jb.SCENARIO_CODE}-fixed"
    version, _changed = scenario_load_file(document=scenario, calculate=False)
    if not version.is_fixed:
        version = scenario_version_fix(version=version, expected_version=version.version)
    return version


def prepare(users: int) -> dict:
    """Data, the draft and the fixed version with a finished calculation each, a kept photo, and
    users of each role with a known password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from calculation.selectors import latest_result
    from calculation.services import run_execute, run_start
    from interventions.catalogue.models import InterventionType
    from interventions.register.models import Household, Team
    from monitoring.photos.models import PhotoSnapshot
    from monitoring.photos.services import photo_take
    from monitoring.selectors import current_districts
    from siex.accounts.roles import Role
    from siex.accounts.services import roles_sync

    document, interventions = bench_data.build_scenario()
    data = jb.ensure_data(document, interventions)
    versions = {"draft": jb.ensure_scenario(document), "fixed": _fixed_version(document)}
    found = {}
    for name, version in versions.items():
        if latest_result(version) is None:
            run_execute(run_id=run_start(version=version).pk)
        found[name] = {"pk": version.pk, "run": latest_result(version).pk}
    roles_sync()
    groups = {
        "officer": Role.POLICY_OFFICER,
        "lead": Role.PROJECT_LEAD,
        "council": Role.COUNCIL_MEMBER,
    }
    team, _ = Team.objects.get_or_create(
        name="Benchmark (gemeentebreed)", defaults={"municipality_wide": True}
    )
    names = []
    for number in range(users):
        role = ROLES[number % len(ROLES)]
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{role}-{number}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=groups[role].value)])
        if role == "officer":
            # Need to know: the benchmark's officers work for the whole municipality.
            team.members.add(user)
        names.append((user.username, role))
    districts = list(current_districts())
    photo = PhotoSnapshot.objects.order_by("pk").first()
    if photo is None:
        lead = get_user_model().objects.get(username=next(n for n, r in names if r == "lead"))
        photo = photo_take(
            area=districts[0], on_date=timezone.localdate(), title="Benchmark", user=lead
        )
    rng = random.Random(7)
    household_ids = list(Household.objects.values_list("pk", flat=True))
    types = list(InterventionType.objects.values_list("pk", flat=True))
    # The project leads sign in with their authenticator app's code too.
    TOTP_KEYS.update(totp_keys({"users": names}))
    return {
        "data": data,
        "users": names,
        "households": rng.sample(household_ids, min(2000, len(household_ids))),
        "districts": districts,
        "district_codes": [district.code for district in districts],
        "types": types,
        "photo": photo.pk,
        **found,
    }


def list_paths(prepared: dict, rng: random.Random) -> list[str]:
    district = rng.choice(prepared["districts"])
    return [
        "/huishoudens/",
        "/huishoudens/?page=20",
        "/huishoudens/?" + urlencode({"q": district.name[:6]}),
        "/huishoudens/?"
        + urlencode(
            {
                "area": district.pk,
                "participation": "participating",
                "intervention_type": rng.choice(prepared["types"]),
            }
        ),
        "/huishoudens/?" + urlencode({"ordering": "area", "income_source": "bijstand"}),
        "/huishoudens/?" + urlencode({"debt_situation": "problematic", "page": 5}),
    ]


def plans(prepared: dict, pages: list[Page], requests: int) -> list[list[tuple[str, str]]]:
    """Per user, the (page, address) pairs it requests: ``requests`` of every page of its role,
    in a random order."""
    result = []
    for number, (_name, role) in enumerate(prepared["users"]):
        rng = random.Random(number)
        plan = [
            (page_key(page), page.url(prepared, rng))
            for page in pages
            if page.role == role
            for _ in range(requests)
        ]
        rng.shuffle(plan)
        result.append(plan)
    return result


def load(port: int, prepared: dict, pages: list[Page], requests: int, think: float) -> dict:
    """Every user requests its plan at the same time as the others, pausing a random
    0.5-1.5 × ``think`` seconds after each page (0: back to back)."""
    officers = [Officer(port, name) for name, _role in prepared["users"]]
    timings: dict[str, list[float]] = {page_key(page): [] for page in pages}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(officers))
    planned = plans(prepared, pages, requests)

    def work(number: int, officer: Officer) -> None:
        rng = random.Random(1000 + number)
        barrier.wait()
        for key, path in planned[number]:
            status, elapsed, _ = officer.get(path)
            with lock:
                if status != 200:
                    errors.append(f"{status} {path}")
                timings[key].append(elapsed)
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))

    threads = [
        threading.Thread(target=work, args=(number, officer))
        for number, officer in enumerate(officers)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    total = sum(len(values) for values in timings.values())
    timings = {key: values for key, values in timings.items() if values}
    return {"timings": timings, "errors": errors, "wall": wall, "throughput": total / wall}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict:
    return {
        "requests": len(values),
        "p50_ms": statistics.median(values),
        "p95_ms": percentile(values, 0.95),
        "max_ms": max(values),
    }


def compare_list_queries(prepared: dict, repeats: int = 15) -> dict:
    """The list's selector against a straightforward Paginator over the whole register."""
    from django.core.paginator import Paginator
    from django.db.models import Count

    from interventions.register.models import Household
    from interventions.register.selectors import RegisterQuery, register_page

    def ours(number: int) -> list[int]:
        page = register_page(
            RegisterQuery(), visible=Household.objects.all(), number=number, size=50
        )
        return [(h.pk, h.intervention_count) for h in page.households]

    def straightforward(number: int) -> list[int]:
        households = (
            Household.objects.select_related("area")
            .annotate(intervention_count=Count("interventions"))
            .order_by("-participation_start", "-id")
        )
        page = Paginator(households, 50).page(number)
        page.paginator.count  # noqa: B018 - the "x of N" every straightforward list shows
        return [(h.pk, h.intervention_count) for h in page.object_list]

    results = {}
    for name, function in (("register_page", ours), ("paginator", straightforward)):
        seconds = []
        for repeat in range(repeats):
            number = 1 + (repeat * 7) % 30
            started = time.perf_counter()
            function(number)
            seconds.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(seconds)
    same = all(ours(n) == straightforward(n) for n in (1, 7, 30))
    return {
        "register_page_ms": results["register_page"],
        "paginator_ms": results["paginator"],
        "ratio": results["paginator"] / results["register_page"],
        "same_rows": same,
    }


def compare_intake(prepared: dict, repeats: int = 5) -> dict:
    """The register's aggregation a scenario counts: the GROUP BY over the whole register that
    every version page ran before, against the cached figure pages read now."""
    try:
        from calculation.selectors import registered_intake, registered_intake_counted
    except ImportError:  # a SIEX from before the cache (to measure the difference)
        return {}

    arguments = {"start_year": bench_data.START_YEAR, "horizon_years": bench_data.HORIZON}
    results = {}
    for name, function in (("group_by", registered_intake_counted), ("cached", registered_intake)):
        function(**arguments)
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            function(**arguments)
            seconds.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(seconds)
    same = registered_intake_counted(**arguments) == registered_intake(**arguments)
    return {
        "group_by_ms": results["group_by"],
        "cached_ms": results["cached"],
        "ratio": results["group_by"] / max(results["cached"], 1e-6),
        "same_rows": same,
    }


def run(requests: int, users: int, think: float) -> dict:
    db = jb.database_settings()
    jb.create_database(db)
    jb.setup_django()
    prepared = prepare(users)
    pages, notes = available_pages(prepared)
    queries = compare_list_queries(prepared)
    intake = compare_intake(prepared)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(port)
    try:
        # A warm-up round: every page a few times per worker, so that imports, connections and
        # the caches of a running server are not measured.
        warm = {role: Officer(port, name) for name, role in reversed(prepared["users"])}
        rng = random.Random(1)
        for page in pages * (WORKERS + 1):
            warm[page.role].get(page.url(prepared, rng))
        phases = {
            "reading": load(port, prepared, pages, requests, think),
            "back_to_back": load(port, prepared, pages, requests, 0.0),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    targets = {page_key(page): page.target_ms for page in pages}
    report = {
        "machine": jb.server_info(),
        "load_average": os.getloadavg(),
        "data": {
            "households": prepared["data"]["households"],
            "interventions": prepared["data"]["interventions"],
        },
        "users": users,
        "roles": {role: sum(1 for _, r in prepared["users"] if r == role) for role in ROLES},
        "requests": requests,
        "think_seconds": think,
        "server": f"gunicorn, {WORKERS} worker processes, DEBUG off, loopback",
        "skipped": notes,
        "list_query": queries,
        "registered_intake": intake,
        "phases": {},
    }
    for name, measured in phases.items():
        figures = {key: summary(values) for key, values in measured["timings"].items()}
        report["phases"][name] = {
            "pages": figures,
            "errors": measured["errors"],
            "throughput_rps": measured["throughput"],
            "targets": {
                key: {"p95_ms": targets[key], "met": figures[key]["p95_ms"] < targets[key]}
                for key in figures
            },
        }
    return report


def print_table(report: dict) -> None:
    data = report["data"]
    roles = ", ".join(f"{count} {role}" for role, count in report["roles"].items())
    print(
        f"Pages with {data['households']:,} households and {data['interventions']:,} "
        f"interventions; {report['users']} users at once ({roles}), {report['requests']} "
        f"requests of each page per user; {report['server']}; load average before the "
        f"measurement {report['load_average'][0]:.1f}"
    )
    for note in report["skipped"]:
        print(f"note: {note}")
    titles = {
        "reading": f"users reading each page ({report['think_seconds']:g} s on average)",
        "back_to_back": "users requesting back to back (saturation)",
    }
    for name, phase in report["phases"].items():
        print(f"\n{titles[name]}")
        print(f"{'page':<36}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target")
        for key, figures in phase["pages"].items():
            target = phase["targets"][key]
            met = "met" if target["met"] else "MISSED"
            print(
                f"{key:<36}{figures['requests']:>9}{figures['p50_ms']:>9.1f}"
                f"{figures['p95_ms']:>9.1f}{figures['max_ms']:>9.1f}"
                f"  p95 < {target['p95_ms']:g} ms: {met}"
            )
        print(
            f"throughput {phase['throughput_rps']:.0f} requests/s; errors: {len(phase['errors'])}"
        )
        for error in phase["errors"][:5]:
            print(f"  {error}")
    query = report["list_query"]
    print(
        f"\nlist query: register_page {query['register_page_ms']:.1f} ms vs straightforward "
        f"Paginator with COUNT {query['paginator_ms']:.1f} ms -> {query['ratio']:.1f}x "
        f"(same rows: {query['same_rows']})"
    )
    intake = report["registered_intake"]
    if not intake:
        return
    print(
        f"registered intake: cached {intake['cached_ms']:.2f} ms vs the GROUP BY over the "
        f"register {intake['group_by_ms']:.1f} ms -> {intake['ratio']:.0f}x "
        f"(same rows: {intake['same_rows']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=10, help="per user and page of its role (default 10)"
    )
    parser.add_argument("--users", type=int, default=10, help="concurrent users (default 10)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause after a page, seconds (default 1)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    report = run(max(1, args.requests), max(1, args.users), max(0.0, args.think))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_table(report)
    ok = all(
        all(target["met"] for target in phase["targets"].values()) and not phase["errors"]
        for phase in report["phases"].values()
    )
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
