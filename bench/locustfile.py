"""Load scenario at municipality scale (DESIGN §7): policy officers browsing, searching and
entering, council members on the dashboards and a project lead recalculating, all at once.

Run it through ``bench/load_bench.py``, which prepares the data and the users, starts the server and
a worker and writes the addresses this scenario requests to a JSON file named by
``SIEX_LOAD_DATA``. By hand, with such a file and a server:

    SIEX_LOAD_DATA=/tmp/siex-load.json .venv/bin/locust -f bench/locustfile.py --headless \\
        -u 10 -r 5 -t 2m --host http://127.0.0.1:PORT

Every request is named "<page> (<role>)" so that locust reports each kind of page apart; the
names and their targets (p95) are in the data file. The users sign in through the login form, as a
browser does, and enter through the real forms with their CSRF token.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from locust import HttpUser, between, task

_DATA_FILE = os.environ.get("SIEX_LOAD_DATA", "")
if not _DATA_FILE:
    raise SystemExit("SIEX_LOAD_DATA must name the data file bench/load_bench.py writes.")
DATA = json.loads(Path(_DATA_FILE).read_text())
URLS = DATA["urls"]
_ACCOUNTS = {role: itertools.cycle(names) for role, names in DATA["accounts"].items()}

#: The longest a project lead watches one recalculation's progress (seconds).
RUN_WATCH_SECONDS = 180
#: A project lead starts a recalculation at most this often (seconds).
RUN_EVERY_SECONDS = DATA.get("run_every_seconds", 40)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PROGRESS = re.compile(r'hx-get="([^"]*)"[^>]*hx-trigger="load delay')


def totp(key_hex: str, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows for the key now (RFC 6238: HMAC-SHA1,
    30-second steps), as django-otp's TOTP devices check it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class _Forms(HTMLParser):
    """The POST forms of a page: each form's action, fields with their values as a browser would
    send them, and the choices of its selects and radio buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attributes.get("action") or "",
                "method": (attributes.get("method") or "get").lower(),
                "fields": {},
                "choices": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attributes.get("name")
        fields, choices = self._form["fields"], self._form["choices"]
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                choices.setdefault(name, []).append(attributes.get("value") or "on")
                if "checked" in attributes:
                    fields[name] = attributes.get("value") or "on"
                return
            fields[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            choices.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            choices[self._select].append(value)
            if "selected" in attributes or self._select not in fields:
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


def post_form(html: str, field: str) -> dict | None:
    """The page's POST form that has ``field``."""
    parser = _Forms()
    parser.feed(html)
    return next(
        (
            form
            for form in parser.forms
            if form["method"] == "post" and (field in form["fields"] or field in form["choices"])
        ),
        None,
    )


class SiexUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.username = next(_ACCOUNTS[self.role])
        self.sign_in()

    def sign_in(self):
        login = URLS["login"]
        page = self.client.get(login, name="sign-in page")
        token = _CSRF.search(page.text)
        with self.client.post(
            login,
            data={
                "username": self.username,
                "password": DATA["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + login},
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"sign-in of {self.username} refused ({response.status_code})")
                return
            step = response.headers.get("Location", "")
        # The roles that require the second step go there after the password (the pages would
        # send them there too).
        if self.username in DATA["totp_keys"] or URLS["two_factor"] in step:
            self.second_step(URLS["two_factor"])

    def second_step(self, url: str):
        """The code of the user's authenticator app, for the roles that require it (project
        lead): the device's key is in the data file."""
        page = self.client.get(url, name="sign-in code page")
        token = _CSRF.search(page.text)
        form = post_form(page.text, "code") or {"fields": {}}
        with self.client.post(
            url,
            data={
                **form["fields"],
                "code": totp(DATA["totp_keys"][self.username]),
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + url},
            name="sign-in code",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"code of {self.username} refused ({response.status_code})")

    def page(self, name: str, url: str):
        """A page read as a browser reads it; anything but 200 (or being sent to the login
        page) is an error."""
        with self.client.get(url, name=f"{name} ({self.role})", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            elif urlparse(response.url).path in (URLS["login"], URLS["two_factor"]):
                response.failure(f"not signed in: {url} went to {urlparse(response.url).path}")
            return response

    def submit(self, name: str, url: str, form: dict, expect: int = 302):
        """Send a form as the browser would (with its CSRF token); the saved form answers with a
        redirect (302), a refused one with the form and its errors (200): an error here."""
        with self.client.post(
            url,
            data=form,
            headers={"Referer": self.host + url},
            name=f"{name} ({self.role})",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{1,160})', response.text)
                response.failure(f"{response.status_code} for {url}: {errors[:3]}")
            return response


class PolicyOfficer(SiexUser):
    """Browses the register, searches it, filters it, opens households and now and then enters an
    intervention or an outcome (the households set aside for entering, cleaned up afterwards)."""

    weight = 6
    role = "officer"

    @task(4)
    def register_list(self):
        self.page("register list", random.choice(URLS["register_list"]))

    @task(2)
    def register_search(self):
        self.page("register search", random.choice(URLS["register_search"]))

    @task(2)
    def register_filters(self):
        self.page("register filters", random.choice(URLS["register_filters"]))

    @task(4)
    def household(self):
        self.page("household page", random.choice(URLS["households"]))

    @task(1)
    def enter_intervention(self):
        household = random.choice(DATA["entering"])
        url = household["intervention_new"] + f"?intervention_type={random.choice(DATA['types'])}"
        page = self.page("intervention form", url)
        form = post_form(page.text, "intervention_type")
        if form is None:
            return
        fields = form["fields"]
        fields.update(
            start_date=datetime.date.today().strftime("%d-%m-%Y"),
            confirm_duplicate="on",
            notes="",
        )
        fields.pop("end_date", None)
        self.submit("intervention saved", household["intervention_new"], fields)

    @task(1)
    def enter_outcome(self):
        household = random.choice(DATA["entering"])
        page = self.page("outcome form", household["event_new"])
        form = post_form(page.text, "outcome")
        if form is None:
            return
        fields, choices = form["fields"], form["choices"]
        fields.update(
            outcome=random.choice([value for value in choices["outcome"] if value]),
            date=datetime.date.today().strftime("%d-%m-%Y"),
            evidence=fields.get("evidence") or choices["evidence"][0],
            note="",
        )
        self.submit("outcome saved", household["event_new"], fields)


class CouncilMember(SiexUser):
    """Reads the fixed version's figures: the start page, the dashboard, the results, the map,
    the participants, the brief and a kept photo."""

    weight = 3
    role = "council"

    @task(2)
    def start_page(self):
        self.page("start page (dashboard)", URLS["home"])

    @task(2)
    def dashboard(self):
        self.page("dashboard", URLS["dashboard"])

    @task(1)
    def run_page(self):
        self.page("run (results) page", URLS["fixed_run"])

    @task(1)
    def wijk_map(self):
        self.page("wijk map", URLS["map"])

    @task(1)
    def participants(self):
        self.page("participants distribution", URLS["fixed_participants"])

    @task(1)
    def brief(self):
        self.page("council brief", URLS["fixed_brief"])

    @task(1)
    def kept_photo(self):
        self.page("kept photo page", URLS["photo"])


class ProjectLead(SiexUser):
    """Reads the draft version and the comparison, and now and then recalculates the draft,
    watching its progress as the page does (a poll every second) until it has finished."""

    weight = 1
    role = "lead"
    last_run = 0.0

    @task(3)
    def version_page(self):
        self.page("version page", URLS["draft_version"])

    @task(2)
    def compare(self):
        self.page("compare page", URLS["compare"])

    @task(1)
    def dashboard(self):
        self.page("dashboard", URLS["dashboard"])

    @task(2)
    def recalculate(self):
        if time.monotonic() - ProjectLead.last_run < RUN_EVERY_SECONDS:
            return
        ProjectLead.last_run = time.monotonic()
        page = self.page("version page", URLS["draft_version"])
        token = _CSRF.search(page.text)
        if token is None:
            return
        self.submit(
            "recalculation started",
            URLS["draft_run"],
            {"csrfmiddlewaretoken": token.group(1)},
        )
        page = self.page("version page", URLS["draft_version"])
        progress = _PROGRESS.search(page.text)
        deadline = time.monotonic() + RUN_WATCH_SECONDS
        while progress and time.monotonic() < deadline:
            time.sleep(1)
            status = self.page("run progress", progress.group(1))
            progress = _PROGRESS.search(status.text)
        ProjectLead.last_run = time.monotonic()
