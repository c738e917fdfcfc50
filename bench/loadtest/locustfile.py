"""An exam, as locust sees it: students log in, wait for the opening time, start, answer 16
questions while the page autosaves, and submit.

Run it through `python -m bench.loadtest.run` (which seeds the exam, starts gunicorn and
checks the saves afterwards); it reads its plan from the JSON file named by LOADTEST_PLAN.
Locust lives in its own virtualenv (`pip install -r bench/loadtest/requirements.txt`): this
file imports nothing from Django.

Each simulated student behaves like the attempt page (static/js/attempt.js): a save carries
the version it is based on and adopts the version in the reply; a 409 is answered by keeping
this page's text on the server's version; a failed save (no connection, 5xx) is retried with
a doubling back-off, as is every page load, so students carry on after the app restarts.
Every save sent and every save acknowledged (2xx) is logged for bench/loadtest/check.py.

Think time: 30-90 s before answering a question (reading the sources) and 5-15 s of typing
between two saves of a written answer, both multiplied by the plan's think_scale
(LOADTEST_THINK_SCALE overrides it): 0.1 plays a 20-minute exam in 2 minutes, with each
simulated student saving ten times as often as a real one.
"""

import json
import os
import random
import re
import sys
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.loadtest.protocol import EventLog, claim_index, payload_hash  # noqa: E402

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
# Behind the proxy the README prescribes, gunicorn gets a new connection per request, so the
# kernel hands each one to an idle worker. A locust user keeping one connection for the whole
# exam would pin its student to one worker process (and its GIL) instead.
HEADERS = {"Connection": "close"} if PLAN.get("connection_close", True) else {}
THINK_SCALE = float(os.environ.get("LOADTEST_THINK_SCALE", PLAN["think_scale"]))
RETRY_FOR_SECONDS = PLAN.get("retry_for_seconds", 180)
LOG = EventLog(PLAN["events_dir"])

ARTICLE = re.compile(r'<article class="card mb-4 question"(.*?)</article>', re.S)
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START_ACTION = re.compile(r'action="(/work/assignments/\d+/start/)"')
CHOICE = re.compile(r'name="choices" id="[^"]*" value="(\d+)"')
GRID_CELL = re.compile(r'data-claim="(\d+)" data-label="([^"]*)"')
SENTENCES = [
    "The source was written by a commissar on the spot, so it records what he was told. ",
    "Its purpose was to win grain and men from Moscow, which may explain its urgent tone. ",
    "The telegram is corroborated by Source B on the shortage of trains in the south. ",
    "However, it is silent on the peasants' view, which limits its usefulness. ",
    "Overall it is useful for the leadership's perceptions rather than for events. ",
]


def _attr(chunk: str, name: str) -> str:
    return re.search(rf'{name}="([^"]*)"', chunk).group(1)


def think(low: float, high: float) -> None:
    gevent.sleep(random.uniform(low, high) * THINK_SCALE)  # noqa: S311


class Question:
    def __init__(self, chunk: str):
        self.kind = _attr(chunk, "data-kind")
        self.response = int(_attr(chunk, "data-response"))
        self.version = int(_attr(chunk, "data-version"))
        # The page's URL, or a prototype's (bench/views.py) when the plan says so.
        self.url = _attr(chunk, "data-save-url").replace("/work/", PLAN["autosave_prefix"] + "/", 1)
        self.choices = [int(c) for c in CHOICE.findall(chunk)]
        self.cells = GRID_CELL.findall(chunk)


class ExamStudent(FastHttpUser):
    """One student sitting the exam once; stops after submitting."""

    host = PLAN["base_url"]

    def on_start(self):
        index = claim_index(PLAN["counter_path"])
        if index >= PLAN["students"]:
            raise StopUser()
        self.username = PLAN["username_format"].format(index)
        self.csrf = ""

    # --- HTTP with the page's own persistence ---------------------------------------------

    def call(self, method, url, *, name, ok=(200,), **kwargs):
        """One request; on no connection or a 5xx, retry with a doubling back-off."""
        headers = {**HEADERS, **kwargs.pop("headers", {})}
        delay = 1.0
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while True:
            with self.client.request(
                method,
                url,
                name=name,
                catch_response=True,
                allow_redirects=False,
                headers=headers,
                **kwargs,
            ) as response:
                status = response.status_code or 0
                if status in ok:
                    response.success()
                else:
                    response.failure(f"HTTP {status}" if status else "no connection")
            if status in ok or 0 < status < 500 or time.monotonic() > deadline:
                return response
            gevent.sleep(delay)
            delay = min(delay * 2, 30)

    def form_post(self, url, *, name, token, data=None, ok=(302,)):
        return self.call(
            "POST",
            url,
            name=name,
            ok=ok,
            data={"csrfmiddlewaretoken": token, **(data or {})},
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    # --- the exam -----------------------------------------------------------------------------

    @task
    def sit_the_exam(self):
        self.log_in()
        start_url = self.wait_for_opening()
        attempt_url, questions = self.start_attempt(start_url)
        for question in questions:
            think(30, 90)
            self.answer(question)
        self.submit(attempt_url)
        claim_index(PLAN["finished_path"])
        raise StopUser()

    def log_in(self):
        page = self.call("GET", "/login/", name="login page")
        for path in sorted(set(STATIC.findall(page.text or ""))):
            self.call("GET", path, name="static file")
        token = FORM_TOKEN.search(page.text).group(1)
        reply = self.form_post(
            "/login/",
            name="log in",
            token=token,
            data={"username": self.username, "password": PLAN["password"]},
        )
        if reply.status_code != 302:
            raise StopUser()
        self.call("GET", "/work/my/", name="my work")

    def wait_for_opening(self) -> str:
        # Students are told to press Start at the opening time; they do within a few seconds.
        wait = PLAN["opens_at"] - time.time()
        gevent.sleep(max(0, wait) + random.uniform(0, PLAN["start_jitter_seconds"]))  # noqa: S311
        for _ in range(60):
            page = self.call("GET", "/work/my/", name="my work")
            found = START_ACTION.search(page.text or "")
            if found:
                self.csrf = FORM_TOKEN.search(page.text).group(1)
                return found.group(1)
            gevent.sleep(2)
        raise StopUser()

    def start_attempt(self, start_url):
        reply = self.form_post(start_url, name="start attempt", token=self.csrf)
        attempt_url = reply.headers.get("Location") or reply.headers.get("location")
        page = self.call("GET", attempt_url, name="attempt page")
        self.csrf = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
        questions = [Question(chunk) for chunk in ARTICLE.findall(page.text)]
        LOG.write(e="started", u=self.username, a=int(attempt_url.rstrip("/").split("/")[-1]))
        return attempt_url, questions

    def answer(self, q: Question):
        if q.kind == "single_choice":
            self.save(q, "choices", [random.choice(q.choices)])  # noqa: S311
        elif q.kind == "multiple_choice":
            self.save(q, "choices", sorted(random.sample(q.choices, 2)))
        elif q.kind == "grid":
            grid = {}
            for claim, label in q.cells:
                grid.setdefault(claim, {})[label] = random.choice(  # noqa: S311
                    ["agree", "disagree", "silent"]
                )
            self.save(q, "grid", grid)
        elif q.kind == "short_answer":
            self.save(q, "text", "Helsing")
            think(5, 15)
            self.save(q, "text", "Helsingfors")
        else:
            text = ""
            for sentence in random.sample(SENTENCES, 4):
                text += sentence * 3
                self.save(q, "text", text)
                think(5, 15)

    def save(self, q: Question, field: str, value):
        """Send until acknowledged, as the page does; returns whether it was."""
        digest = payload_hash(field, value)
        delay = 2.0
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while True:
            body = {"version": q.version, field: value}
            LOG.write(e="send", r=q.response, b=q.version, h=digest)
            with self.client.request(
                "POST",
                q.url,
                name="autosave",
                json=body,
                headers={**HEADERS, "X-CSRFToken": self.csrf},
                catch_response=True,
                allow_redirects=False,
            ) as response:
                status = response.status_code or 0
                reply = None
                if status in (200, 409):
                    try:
                        reply = json.loads(response.text)
                    except (TypeError, ValueError):
                        reply = None
                if status == 200 and reply:
                    response.success()
                else:
                    response.failure(f"HTTP {status}" if status else "no connection")
            if status == 200 and reply:
                q.version = reply["version"]
                LOG.write(e="ack", r=q.response, v=q.version, h=digest, f=field, t=time.time())
                return True
            if status == 409 and reply:
                q.version = reply["version"]  # keep this page's answer, on the newer version
                continue
            if 0 < status < 500 or time.monotonic() > deadline:
                LOG.write(e="failed", u=self.username, r=q.response, s=status)
                return False
            gevent.sleep(delay)
            delay = min(delay * 2, 30)

    def submit(self, attempt_url):
        page = self.call("GET", attempt_url + "submit/", name="submit page")
        token = FORM_TOKEN.search(page.text or "")
        if token is None:
            return
        self.form_post(attempt_url + "submit/", name="submit", token=token.group(1))
        self.call("GET", attempt_url, name="attempt page (submitted)")
        LOG.write(e="submitted", u=self.username, a=int(attempt_url.rstrip("/").split("/")[-1]))
