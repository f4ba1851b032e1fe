"""Load with an editor at work: many readers and one editor publishing through the admin, at once.

    python bench/loadtest.py --base-url http://127.0.0.1:8000 --readers 16 --requests 50 \\
        --username editor --password '…' --edits 5

Readers (threads) fetch the public pages and API lists as fast as they can while the editor logs in
to the admin and saves pledges, each save changing the summary and publishing it. Afterwards every
change the admin confirmed must show on the pledge's public page, and no request may have failed.
The editor's changes are put back at the end (unless --keep-changes), but they stay in the history
of each pledge: run it against a scratch copy of the database, such as `make serve`.

Bounded on purpose: a fixed number of requests, a time limit, and only loopback addresses.
Exit status 0 when there were no errors and every check passed.
"""

import argparse
import http.cookiejar
import ipaddress
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

PUBLIC_PATHS = ["/", "/pledges/", "/members/", "/sources/", "/meetings/", "/changes/", "/api/v1/pledges/"]
TIMEOUT = 10


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to the caller: a 302 after an admin POST is how a save is confirmed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def require_loopback(base_url: str) -> None:
    """Refuse anything but this machine: a load test must never be pointed at somebody's server."""
    host = urllib.parse.urlsplit(base_url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise SystemExit(f"Cannot resolve {host!r}: {error}") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(
            f"{base_url} is not a loopback address; the load test only runs against this machine."
        )


@dataclass
class Tally:
    """What the readers saw, shared between threads."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, url: str, status: int | None, problem: str = "") -> None:
        with self.lock:
            self.requests += 1
            self.statuses[status or "no answer"] += 1
            if problem:
                self.errors.append(f"{url}: {problem}")


def fetch(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> tuple[int, str, str]:
    """(status, body, Location) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers={"User-Agent": "pledge-tracker-loadtest"})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return (
                response.status,
                response.read().decode("utf-8", "replace"),
                response.headers.get("Location", ""),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), error.headers.get("Location", "")


def read(base_url: str, paths: list[str], count: int, deadline: float, tally: Tally, offset: int) -> None:
    """One reader: `count` GETs over `paths`, each answer expected to be 200."""
    opener = urllib.request.build_opener(NoRedirect)
    for i in range(count):
        if time.monotonic() > deadline:
            return
        url = base_url + paths[(offset + i) % len(paths)]
        try:
            status, _body, _location = fetch(opener, url)
        except (OSError, urllib.error.URLError) as error:
            tally.record(url, None, f"no answer ({error})")
            continue
        tally.record(url, status, "" if status == 200 else f"answered {status}")


class FormReader(HTMLParser):
    """The fields a browser would submit from each <form> of a page, by the form's id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._form: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_fields: list[tuple[str, str]] = []
        self._first_option: str | None = None
        self._multiple = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = self.forms.setdefault(a.get("id", f"form-{len(self.forms)}"), [])
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._select_fields, self._first_option = a["name"], [], None
            self._multiple = "multiple" in a
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_fields.append((self._select, value))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # A browser drops the one newline that may follow <textarea>.
            self._form.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_fields and not self._multiple and self._first_option is not None:
                self._select_fields.append((self._select, self._first_option))
            self._form.extend(self._select_fields)
            self._select = None


class AdminEditor:
    """An editor in the admin, through HTTP only, as a browser would be: log in, open, change, save."""

    def __init__(self, base_url: str, admin_path: str = "/admin/") -> None:
        self.base_url = base_url.rstrip("/")
        self.admin = self.base_url + "/" + admin_path.strip("/") + "/"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def form(self, url: str, form_id: str | None = None) -> list[tuple[str, str]]:
        status, body, _location = fetch(self.opener, url)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}")
        reader = FormReader()
        reader.feed(body)
        if form_id is None:
            form_id = next(name for name in reader.forms if name != "logout-form")
        return reader.forms[form_id]

    def post(self, url: str, fields: list[tuple[str, str]]) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields + [("_save", "Save")]).encode()
        return fetch(self.opener, url, data)

    def log_in(self, username: str, password: str) -> None:
        url = self.admin + "login/"
        fields = [(k, v) for k, v in self.form(url, "login-form") if k not in ("username", "password")]
        status, body, _location = self.post(url, fields + [("username", username), ("password", password)])
        if status != 302:
            raise RuntimeError(f"Logging in as {username!r} failed (answered {status}).")

    def pledge_ids(self, query: str = "") -> list[int]:
        _status, body, _location = fetch(self.opener, f"{self.admin}pledges/pledge/?{query}")
        return sorted({int(pk) for pk in re.findall(r"/pledges/pledge/(\d+)/change/", body)})

    def change_url(self, pk: int) -> str:
        return f"{self.admin}pledges/pledge/{pk}/change/"

    def current(self, pk: int) -> dict[str, str]:
        return dict(self.form(self.change_url(pk), "pledge_form"))

    def save_pledge(self, pk: int, **changes: str | bool) -> bool:
        """Change fields of a pledge through its admin form; True when the admin confirmed the save."""
        fields = [(k, v) for k, v in self.form(self.change_url(pk), "pledge_form") if k not in changes]
        for name, value in changes.items():
            if value is True:
                fields.append((name, "on"))
            elif value is not False:
                fields.append((name, str(value)))
        status, body, _location = self.post(self.change_url(pk), fields)
        if status == 200 and "errornote" in body:
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
            raise RuntimeError(f"The admin refused the pledge {pk}: {' '.join(errors)[:300]}")
        return status == 302


@dataclass
class Edit:
    pk: int
    summary: str
    confirmed: bool = False


def edit(editor: AdminEditor, pks: list[int], marker: str, deadline: float, edits: list[Edit]) -> None:
    """Publish each pledge with a summary that names this run; record what the admin confirmed."""
    for n, pk in enumerate(pks, 1):
        if time.monotonic() > deadline:
            return
        summary = f"{marker} edit {n}: published during the load test."
        change = Edit(pk, summary)
        edits.append(change)
        change.confirmed = editor.save_pledge(pk, summary=summary, is_published=True)


def visible_problems(base_url: str, edits: list[Edit]) -> list[str]:
    """Every change the admin confirmed must show on the pledge's public page."""
    opener = urllib.request.build_opener(NoRedirect)
    problems = []
    for change in edits:
        if not change.confirmed:
            continue
        status, body, _location = fetch(opener, f"{base_url}/pledges/{change.pk}/")
        if status != 200 or change.summary not in body:
            problems.append(f"pledge {change.pk}: the public page (answered {status}) does not show the edit")
    return problems


@dataclass
class Result:
    requests: int
    errors: list[str]
    statuses: Counter
    edits: list[Edit]
    check_problems: list[str]
    seconds: float


def run(
    base_url: str,
    readers: int = 16,
    requests: int = 50,
    time_limit: float = 30,
    editor: AdminEditor | None = None,
    pledges_to_edit: list[int] | None = None,
    paths: list[str] | None = None,
) -> Result:
    """Readers and (if given) one editor at once, then the visibility checks."""
    paths = paths or PUBLIC_PATHS
    tally = Tally()
    edits: list[Edit] = []
    started = time.monotonic()
    deadline = started + time_limit
    threads = [
        threading.Thread(target=read, args=(base_url, paths, requests, deadline, tally, i * 3), daemon=True)
        for i in range(readers)
    ]
    marker = f"Load test {int(time.time())}"
    editor_failure: list[str] = []
    if editor is not None:

        def editor_work() -> None:
            try:
                edit(editor, pledges_to_edit or [], marker, deadline, edits)
            except (OSError, RuntimeError) as error:
                editor_failure.append(f"editor: {error}")

        threads.append(threading.Thread(target=editor_work, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + TIMEOUT)
    seconds = time.monotonic() - started
    errors = tally.errors + editor_failure
    errors += [
        f"pledge {change.pk}: the admin did not confirm the save" for change in edits if not change.confirmed
    ]
    if any(thread.is_alive() for thread in threads):
        errors.append("the time limit passed with requests still running")
    return Result(tally.requests, errors, tally.statuses, edits, visible_problems(base_url, edits), seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--requests", type=int, default=50, help="per reader")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds")
    parser.add_argument("--admin-path", default="/admin/")
    parser.add_argument("--username", help="an editor's account: without it, readers only")
    parser.add_argument("--password")
    parser.add_argument("--edits", type=int, default=5, help="pledges the editor saves")
    parser.add_argument("--keep-changes", action="store_true", help="do not put the edited pledges back")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")
    require_loopback(base_url)

    editor, targets, originals = None, [], {}
    if args.username:
        editor = AdminEditor(base_url, args.admin_path)
        editor.log_in(args.username, args.password or "")
        targets = editor.pledge_ids()[: args.edits]
        originals = {pk: editor.current(pk) for pk in targets}
    result = run(base_url, args.readers, args.requests, args.time_limit, editor, targets)

    if editor and not args.keep_changes:
        for pk, fields in originals.items():
            editor.save_pledge(
                pk, summary=fields.get("summary", ""), is_published=fields.get("is_published") == "on"
            )
    confirmed = sum(change.confirmed for change in result.edits)
    report = {
        "requests": result.requests,
        "errors": len(result.errors),
        "requests_per_second": round(result.requests / result.seconds, 1) if result.seconds else None,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items(), key=str)},
        "edits_confirmed": confirmed,
        "edits_visible": confirmed - len(result.check_problems),
        "checks_failed": len(result.check_problems),
        "seconds": round(result.seconds, 2),
    }
    print(json.dumps(report, indent=1))
    for problem, times in Counter(result.errors + result.check_problems).most_common(20):
        print(f"- {problem}" + (f" (×{times})" if times > 1 else ""), file=sys.stderr)
    return 0 if not result.errors and not result.check_problems else 1


if __name__ == "__main__":
    sys.exit(main())
