"""The task pane in headless Chromium (Debian's, driven by Playwright) against a real `riskreg serve` on loopback.

Office.js is the only thing replaced: tests/browser/office_double.js stands in for Microsoft's office.js, over a
workbook read from a real register .xlsx. Everything else is real: the pane, xlwings-server's Office.js client (the
`officejs` extra), the server process, its answers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.entra_tokens import API_KEY, AUDIENCE, TENANT, Tokens
from support.server_process import Server, running_server

from browser.workbooks import double_book

HERE = Path(__file__).resolve().parent
DOUBLE = HERE / "office_double.js"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as root in a closed network (see docs/development.md): no sandbox, no GPU, no calls home.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PANE_WIDTH = 350  # Excel's default task-pane width, in CSS pixels
ROLES = ("RiskRegister.RollQuarter", "RiskRegister.BuildPaper")


def riskreg(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    """Run the `riskreg` command line as a user would."""
    return subprocess.run([sys.executable, "-m", "addin", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="session")
def sample_register(tmp_path_factory) -> Path:
    """The demo's sample register (18 risks, one error, one warning) as `riskreg import` makes it: not yet checked."""
    from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path

    folder = tmp_path_factory.mktemp("sample")
    done = riskreg("import", sample_export_path(), "-o", folder / "register.xlsx", "--period", SAMPLE_PERIOD,
                   "--organisation", SAMPLE_SETTINGS["organisation"], "--committee", SAMPLE_SETTINGS["committee"],
                   "--report-of", SAMPLE_SETTINGS["author"], "--author", SAMPLE_SETTINGS["contact"], cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "register.xlsx"


@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture(scope="session")
def server(tmp_path_factory, tokens) -> Iterator[Server]:
    """`riskreg serve` accepting the test API key (both roles) and the test tenant's Entra ID tokens."""
    folder = tmp_path_factory.mktemp("server")
    keys = folder / "jwks.json"
    keys.write_text(json.dumps(tokens.jwks()))
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY,
           "RISKREG_API_KEY_ROLES": ",".join(ROLES), "RISKREG_ENTRA_TENANT_ID": TENANT,
           "RISKREG_ENTRA_AUDIENCE": AUDIENCE, "RISKREG_ENTRA_JWKS_FILE": str(keys)}
    with running_server(env, folder) as running:
        yield running


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """Debian's Chromium, headless, with a fresh profile: no browser download (Playwright's own is unreachable)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "Debian's chromium is not installed: `python3 dev.py test` installs it."
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": PANE_WIDTH, "height": 900}, accept_downloads=True)
        yield context
        context.close()


@pytest.fixture(scope="session")
def shots(request) -> Path:
    """Where the run's screenshots go: a temporary folder of its own, kept after the run and named in the summary."""
    folder = Path(tempfile.mkdtemp(prefix="riskreg-pane-shots-"))
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    yield folder
    if reporter is not None:
        reporter.write_line(f"task pane screenshots: {folder}")


@dataclass
class Pane:
    """A loaded task pane over a double's workbook."""

    page: object
    shots: Path

    def book(self) -> dict:
        return self.page.evaluate("() => officeDouble.book")

    def click(self, button_id: str) -> None:
        """Press a button and wait until the pane has its answer (no button is busy any more)."""
        self.page.click(f"#{button_id}")
        self.wait_done()

    def wait_done(self) -> None:
        self.page.wait_for_function("() => !document.getElementById('pane').hasAttribute('aria-busy')",
                                    timeout=120_000)

    def status(self) -> str:
        return self.page.inner_text("#status").strip()

    def error(self) -> str:
        box = self.page.locator("#global-error-alert")
        return box.inner_text().strip() if box.is_visible() else ""

    def book_sheet_names(self) -> list[str]:
        return [sheet["name"] for sheet in self.book()["sheets"]]

    def download_names(self) -> list[str]:
        return self.page.locator("#downloads a").all_inner_texts()

    def download(self, link_text: str, target: Path) -> Path:
        """Click a download link as the user does and save the file at `target`."""
        with self.page.expect_download() as caught:
            self.page.get_by_text(link_text, exact=True).click()
        caught.value.save_as(target)
        return target

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def open_pane(chromium, server, shots, tokens):
    """Return a function that opens /taskpane.html over the workbook at a path (settings: the double's sign-in), from
    the session's server or the one at `url`."""
    pages = []

    def open_(register: Path | None, *, sso_token: str | None = None, sso_error: dict | None = None,
              api_key: str = "", client_missing: bool = False, url: str | None = None) -> Pane:
        url = url or server.url
        page = chromium.new_page()
        pages.append(page)
        page.route("https://appsforoffice.microsoft.com/**",
                   lambda route: route.fulfill(path=DOUBLE, content_type="text/javascript"))
        page.route(lambda address: not address.startswith((url, "https://appsforoffice.microsoft.com/")),
                   lambda route: route.abort())  # nothing leaves the machine
        book = double_book(register) if register else {"name": "Book1.xlsx", "active": 0, "names": [], "sheets": [
            {"name": "Sheet1", "visibility": "Visible", "values": [], "fills": {}, "notes": {}, "tables": [],
             "names": []}]}
        token = sso_token if sso_token is not None else tokens.token(ROLES)
        settings = {"ssoToken": token.removeprefix("Bearer "), "ssoError": sso_error}
        page.add_init_script(f"globalThis.officeDoubleBook = {json.dumps(book)};"
                             f"globalThis.officeDoubleSettings = {json.dumps(settings)};"
                             f"localStorage.setItem('riskreg-api-key', {json.dumps(api_key)});")
        page.goto(f"{url}/taskpane.html")
        page.wait_for_function("() => globalThis.xlwings !== undefined" if not client_missing else
                               "() => !document.getElementById('client-missing').hidden")
        return Pane(page, shots)

    yield open_
    for page in pages:
        page.close()


@pytest.fixture
def work(tmp_path, sample_register) -> Path:
    """A copy of the sample register for the CLI to change."""
    path = tmp_path / "register.xlsx"
    shutil.copy(sample_register, path)
    return path
