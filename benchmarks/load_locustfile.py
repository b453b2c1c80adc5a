"""The simulated users of benchmarks/load.py, run by Locust in a process of its own.

Browsers sign in through /login/ and then page, search and open customers, edit one now and
then, and drag deals between the board's columns. Two clerks wait until the middle of the
run: one imports a customers CSV through the import screens, the other sends a statement
batch from the statement batch form. ``Ceiling`` asks the bare endpoint (load_ceiling.py).
Every request is written to LOAD_LOG (JSON lines) when Locust stops; load.py reads it.
Settings come from the environment, set by load.py (see its ``locust_env``).
"""

import itertools
import json
import os
import random
import re
import sys
import time

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import load_forms as forms  # noqa: E402

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
USER_PREFIX = os.environ.get("LOAD_USER_PREFIX", "load-user-")
CLERK = os.environ.get("LOAD_CLERK", "")
THINK = float(os.environ.get("LOAD_THINK", "1.0"))
MIDDLE_AT = float(os.environ.get("LOAD_MIDDLE_AT", "20"))
IMPORT_FILE = os.environ.get("LOAD_IMPORT_FILE", "")
BATCH_IDS = os.environ.get("LOAD_BATCH_IDS", "")
LIST_PAGES = int(os.environ.get("LOAD_LIST_PAGES", "400"))
SEARCH_TERMS = os.environ.get("LOAD_SEARCH_TERMS", "schneider").split(",")
LOG = os.environ.get("LOAD_LOG", "")

SHOW_LINK = re.compile(r'href="/customers/show/(\d+)"')
COLUMN = re.compile(
    r'data-column-id="(\d+)" data-cards-url="([^"]+)".*?crm-kanban-count">(\d+)<', re.S
)
PREVIEW_WAIT = re.compile(r'id="preview-state" data-status-url="([^"]+)"')
RECORD_COUNT = re.compile(r"Record Count:</strong>\s*\d+")
FORM = "application/x-www-form-urlencoded"
# The customer form's answer when another browser saved the customer since it was read.
CHANGED_MEANWHILE = "changed by someone else meanwhile"
CONFLICT = "customer edit conflict"

_numbers = itertools.count()
_records = []
_started = [time.time()]


@events.test_start.add_listener
def _test_started(**_):
    _started[0] = time.time()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response, exception, **_):
    status = getattr(response, "status_code", 0) or 0
    record = {"t": time.time(), "name": name, "ms": response_time, "status": status}
    if exception is not None:
        body = ""
        try:
            body = (response.text or "")[:300] if response is not None else ""
        except Exception:  # a body that cannot be read says nothing more
            pass
        record["error"] = f"{type(exception).__name__}: {exception}"[:300]
        record["body"] = " ".join(body.split())
    _records.append(record)


@events.user_error.add_listener
def _task_failed(user_instance, exception, tb, **_):
    """A task that broke off (an answer it could not read): an error of its own kind."""
    error = f"{type(exception).__name__}: {exception}"[:300]
    _records.append({"t": time.time(), "name": "task error", "ms": 0, "status": 0, "error": error})


@events.quitting.add_listener
def _write_log(environment, **_):
    if LOG:
        with open(LOG, "w", encoding="utf-8") as out:
            for record in _records:
                out.write(json.dumps(record) + "\n")


def _fail(response, reason):
    response.failure(f"{reason} (HTTP {response.status_code})")


class _SignedIn(FastHttpUser):
    abstract = True
    username = ""

    def sign_in(self):
        page = self.client.get("/login/", name="login page").text
        fields = forms.form_fields(page, having="username")
        fields = forms.replaced(fields, username=self.username, password=PASSWORD)
        with self.client.post(
            "/login/",
            data=forms.encoded(fields),
            headers={"Content-Type": FORM},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
                _fail(response, "sign-in refused")
                raise StopUser()

    def post_form(self, url, fields, name, conflict_ok=False):
        """POST ``fields`` as the browser would; a save answers with a redirect. With
        ``conflict_ok``, the refusal of a record changed meanwhile (another browser saved
        it since this form was read) is the right answer, recorded as a conflict."""
        with self.client.post(
            url,
            data=forms.encoded(fields),
            headers={"Content-Type": FORM},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                said = "; ".join(forms.messages(response.text or "")) or "no message"
                if conflict_ok and CHANGED_MEANWHILE in said:
                    response.success()
                    _records.append({"t": time.time(), "name": CONFLICT, "ms": 0, "status": 0})
                    return None
                _fail(response, f"not saved, the form came back: {said}")
            return response


class Browser(_SignedIn):
    """Pages, searches and opens customers, edits some, moves deals on the board."""

    wait_time = between(THINK * 0.5, THINK * 1.5)

    def on_start(self):
        self.username = f"{USER_PREFIX}{next(_numbers)}"
        self.rng = random.Random(self.username)
        self.sign_in()
        self.customers = []
        self.open_board()

    def remember(self, page):
        ids = SHOW_LINK.findall(page)
        if ids:
            self.customers = (ids + self.customers)[:200]

    def open_board(self):
        page = self.client.get("/deal-board/", name="deal board").text
        self.board_csrf = forms.csrf_meta(page)
        self.move_url = re.search(r'data-move-url="([^"]+)"', page).group(1).replace("&amp;", "&")
        # The seeded deals are all open: cards go between the columns that hold some, so
        # no deal is won or lost (a lost one would ask for a reason).
        self.columns = [cid for cid, _url, count in COLUMN.findall(page) if int(count)]
        self.cards = []
        for cid, url, _count in COLUMN.findall(page):
            if cid not in self.columns or len(self.cards) > 100:
                continue
            answer = self.client.get(
                url.replace("&amp;", "&") + "?offset=0", name="deal cards"
            ).json()
            self.cards += [card["id"] for card in answer.get("cards", [])]

    @task(4)
    def customer_list(self):
        # Most users stay on the first pages; some page deep.
        page = self.rng.randrange(5 if self.rng.random() < 0.7 else LIST_PAGES)
        with self.client.get(
            f"/customers/list/?page_CustomerView={page}", name="customer list", catch_response=True
        ) as response:
            if response.status_code == 200 and not RECORD_COUNT.search(response.text):
                _fail(response, "no record count on the list")
            elif response.status_code == 200:
                self.remember(response.text)

    @task(3)
    def customer_search(self):
        term = self.rng.choice(SEARCH_TERMS)
        with self.client.get(
            f"/customers/list/?_flt_0_search_text={term}",
            name="customer search",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.remember(response.text)

    @task(4)
    def customer_detail(self):
        if not self.customers:
            return self.customer_list()
        pk = self.rng.choice(self.customers)
        self.client.get(f"/customers/show/{pk}", name="customer detail")

    @task(1)
    def customer_edit(self):
        if not self.customers:
            return self.customer_list()
        pk = self.rng.choice(self.customers)
        for _attempt in range(2):  # refused as changed meanwhile: read it again, save again
            page = self.client.get(f"/customers/edit/{pk}", name="customer edit form").text
            fields = forms.form_fields(page, having="record_version")
            note = f"Called by {self.username} at {time.time():.3f}"
            saved = self.post_form(
                f"/customers/edit/{pk}",
                forms.replaced(fields, notes=note),
                "customer edit",
                conflict_ok=True,
            )
            if saved is not None:
                return

    @task(1)
    def deal_move(self):
        if not self.cards or len(self.columns) < 2:
            return self.open_board()
        card = self.rng.choice(self.cards)
        with self.client.post(
            self.move_url,
            json={"id": card, "column_id": self.rng.choice(self.columns)},
            headers={"X-CSRFToken": self.board_csrf},
            name="deal move",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "columns" not in response.json():
                _fail(response, "no column totals in the answer")


class _Clerk(_SignedIn):
    """Waits for the middle of the run, does one piece of back-office work, then stops."""

    abstract = True
    fixed_count = 1
    wait_time = constant(1)

    def on_start(self):
        self.username = CLERK
        self.sign_in()
        time.sleep(max(0.0, _started[0] + MIDDLE_AT - time.time()))

    @task
    def once(self):
        """The work, once: a clerk that broke off does not start it again."""
        _records.append({"t": time.time(), "name": f"{self.kind} started", "ms": 0, "status": 0})
        try:
            self.work()
        except StopUser:
            pass
        except Exception as exc:
            _task_failed(self, exc, None)
        _records.append({"t": time.time(), "name": f"{self.kind} finished", "ms": 0, "status": 0})
        raise StopUser()

    def work(self):
        raise NotImplementedError


class ImportClerk(_Clerk):
    kind = "import"

    def work(self):
        page = self.client.get("/import/?entity=customers", name="import upload page").text
        fields = forms.form_fields(page, having="csrf_token")
        with open(IMPORT_FILE, "rb") as source:
            body, content_type = forms.multipart(
                forms.replaced(fields, entity="customers"),
                "file",
                os.path.basename(IMPORT_FILE),
                source.read(),
            )
        with self.client.post(
            "/import/",
            data=body,
            headers={"Content-Type": content_type},
            name="import upload",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                _fail(response, "upload refused")
                return
            mapping_url = response.headers["Location"]
        page = self.client.get(mapping_url, name="import mapping page").text
        self.post_form(mapping_url, forms.form_fields(page, having="col_0"), "import mapping")
        run_id = re.search(r"/(\d+)$", mapping_url.rstrip("/")).group(1)
        run_form = self.preview(run_id)
        self.post_form(f"/import/run/{run_id}", run_form, "import run")
        status = "running"
        while status in ("queued", "running"):
            time.sleep(1)
            status = self.client.get(f"/import/status/{run_id}", name="import status").json()[
                "status"
            ]

    def preview(self, run_id):
        """The preview's run form. A large file is checked by a job first: as the wait
        page's script does, its status is polled and the page asked again when it ended."""
        page = self.client.get(f"/import/preview/{run_id}", name="import preview").text
        waiting = PREVIEW_WAIT.search(page)
        if waiting:
            status_url = waiting.group(1).replace("&amp;", "&")
            status = "queued"
            while status in ("queued", "running"):
                time.sleep(1)
                jobs = self.client.get(status_url, name="import preview status").json()["jobs"]
                status = jobs[0]["status"] if jobs else "gone"
            page = self.client.get(f"/import/preview/{run_id}", name="import preview").text
        return forms.form_fields(page, action_contains="/import/run/")


class StatementClerk(_Clerk):
    kind = "statement batch"

    def work(self):
        page = self.client.get(
            f"/statements/batch?ids={BATCH_IDS}", name="statement batch form"
        ).text
        fields = forms.form_fields(page, having="ids")
        with self.client.post(
            "/statements/batch",
            data=forms.encoded(fields),
            headers={"Content-Type": FORM},
            name="statement batch send",
            allow_redirects=False,
            catch_response=True,
        ):
            pass


class Ceiling(FastHttpUser):
    """The bare endpoint, as fast as it answers: what this machine's server and client allow."""

    wait_time = constant(0)

    @task
    def ok(self):
        self.client.get("/", name="ceiling")
