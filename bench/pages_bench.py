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
from urllib.parse import urlencode  # noqa: E402

import bench_data  # noqa: E402
import job_bench as jb  # noqa: E402

TARGET_LIST_P95_MS = 200.0
TARGET_DETAIL_P95_MS = 200.0
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


def prepare(users: int) -> dict:
    """Data, a finished calculation, and policy officers with a known password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from calculation.services import run_execute, run_start
    from interventions.catalogue.models import InterventionType
    from interventions.register.models import Household
    from monitoring.selectors import current_districts
    from siex.accounts.roles import Role
    from siex.accounts.services import roles_sync

    document, interventions = bench_data.build_scenario()
    data = jb.ensure_data(document, interventions)
    version = jb.ensure_scenario(document)
    from calculation.selectors import latest_result

    if latest_result(version) is None:
        run_execute(run_id=run_start(version=version).pk)
    roles_sync()
    group = Group.objects.get(name=Role.POLICY_OFFICER.value)
    names = []
    for number in range(users):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-officer-{number}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([group])
        names.append(user.username)
    rng = random.Random(7)
    household_ids = list(Household.objects.values_list("pk", flat=True))
    districts = list(current_districts())
    types = list(InterventionType.objects.values_list("pk", flat=True))
    return {
        "data": data,
        "users": names,
        "households": rng.sample(household_ids, min(2000, len(household_ids))),
        "districts": districts,
        "types": types,
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


def load(port: int, prepared: dict, requests: int, think: float) -> dict:
    """Every user requests ``requests`` list pages and ``requests`` household pages, at once,
    pausing a random 0.5-1.5 × ``think`` seconds after each page (0: back to back)."""
    officers = [Officer(port, name) for name in prepared["users"]]
    timings: dict[str, list[float]] = {"list": [], "detail": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(officers))

    def work(number: int, officer: Officer) -> None:
        rng = random.Random(number)
        plan = []
        households = prepared["households"]
        for index in range(requests):
            plan.append(("list", rng.choice(list_paths(prepared, rng))))
            plan.append(
                (
                    "detail",
                    f"/huishoudens/{households[(number * requests + index) % len(households)]}/",
                )
            )
        barrier.wait()
        for kind, path in plan:
            status, elapsed, _ = officer.get(path)
            with lock:
                if status != 200:
                    errors.append(f"{status} {path}")
                timings[kind].append(elapsed)
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


def run(requests: int, users: int, think: float) -> dict:
    db = jb.database_settings()
    jb.create_database(db)
    jb.setup_django()
    prepared = prepare(users)
    queries = compare_list_queries(prepared)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(port)
    try:
        # One warm-up round per worker, so that imports and connections are not measured.
        warm = Officer(port, prepared["users"][0])
        for path in list_paths(prepared, random.Random(1)) * WORKERS:
            warm.get(path)
        phases = {
            "reading": load(port, prepared, requests, think),
            "back_to_back": load(port, prepared, requests, 0.0),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report = {
        "machine": jb.server_info(),
        "data": {
            "households": prepared["data"]["households"],
            "interventions": prepared["data"]["interventions"],
        },
        "users": users,
        "think_seconds": think,
        "server": f"gunicorn, {WORKERS} worker processes, DEBUG off, loopback",
        "list_query": queries,
        "phases": {},
    }
    for name, measured in phases.items():
        pages = {kind: summary(values) for kind, values in measured["timings"].items()}
        report["phases"][name] = {
            "pages": pages,
            "errors": measured["errors"],
            "throughput_rps": measured["throughput"],
            "targets": {
                kind: {"p95_ms": target, "met": pages[kind]["p95_ms"] < target}
                for kind, target in (
                    ("list", TARGET_LIST_P95_MS),
                    ("detail", TARGET_DETAIL_P95_MS),
                )
            },
        }
    return report


def print_table(report: dict) -> None:
    data = report["data"]
    print(
        f"Register pages with {data['households']:,} households and {data['interventions']:,} "
        f"interventions; {report['users']} users at once; {report['server']}"
    )
    titles = {
        "reading": f"users reading each page ({report['think_seconds']:g} s on average)",
        "back_to_back": "users requesting back to back (saturation)",
    }
    for name, phase in report["phases"].items():
        print(f"\n{titles[name]}")
        print(f"{'page':<10}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}  target")
        for kind, figures in phase["pages"].items():
            target = phase["targets"][kind]
            met = "met" if target["met"] else "MISSED"
            print(
                f"{kind:<10}{figures['requests']:>10}{figures['p50_ms']:>10.1f}"
                f"{figures['p95_ms']:>10.1f}{figures['max_ms']:>10.1f}"
                f"  p95 < {target['p95_ms']:g} ms: {met}"
            )
        print(
            f"throughput {phase['throughput_rps']:.0f} requests/s; errors: {len(phase['errors'])}"
        )
    query = report["list_query"]
    print(
        f"\nlist query: register_page {query['register_page_ms']:.1f} ms vs straightforward "
        f"Paginator with COUNT {query['paginator_ms']:.1f} ms -> {query['ratio']:.1f}x "
        f"(same rows: {query['same_rows']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="per user and kind of page")
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
    reading = report["phases"]["reading"]
    ok = all(target["met"] for target in reading["targets"].values()) and not reading["errors"]
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
