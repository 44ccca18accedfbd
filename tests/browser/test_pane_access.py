"""The task pane fits Excel's task-pane width, passes axe-core at WCAG 2.1 AA, works from the keyboard and announces
what happens; its busy state is shown while the (real) server works."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.entra_tokens import API_KEY
from support.server_process import running_server

from browser.conftest import PANE_WIDTH

ROOT = Path(__file__).resolve().parents[2]
AXE_VERSION = "4.14.1"  # npm's axe-core (MPL-2.0), installed by the test into .cache/npm, never committed
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TAB_ORDER = ["validate", "refresh_trends", "period", "roll_quarter", "roll_quarter_anyway", "record_first",
             "record_second", "rename_band", "rename_risk", "correct_history", "positions", "build_paper",
             "build_paper_anyway", "joint_files", "build_joint_paper", "build_joint_paper_anyway", "new_register",
             "apikey"]


@pytest.fixture(scope="session")
def axe() -> Path:
    """axe.min.js from the npm registry, installed once into the checkout's .cache/npm."""
    folder = ROOT / ".cache" / "npm"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    installed = folder / "node_modules" / "axe-core" / "package.json"
    if not (installed.is_file() and json.loads(installed.read_text())["version"] == AXE_VERSION):
        folder.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        assert npm, "npm is needed to fetch axe-core from the npm registry"
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(folder),
                        f"axe-core@{AXE_VERSION}"], check=True, capture_output=True, timeout=300)
    return script


def violations(page, axe: Path) -> list[str]:
    """Return axe-core's WCAG 2.1 A/AA violations on the page, one line each (rule, nodes)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => ({"
                           "passes: r.passes.length, violations: r.violations.map(v => v.id + ': ' + "
                           "v.nodes.map(n => n.target).join(' '))}))", AXE_TAGS)
    assert result["passes"] > 10  # axe did check the page (colour contrast, labels, landmarks …)
    return result["violations"]


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_pane_fits_and_passes_axe_in_each_state(open_pane, work, axe):
    pane = open_pane(work)
    assert pane.page.viewport_size["width"] == PANE_WIDTH
    assert fits(pane.page) and violations(pane.page, axe) == []
    pane.click("build_paper")  # error state: a long message
    assert pane.error()
    assert fits(pane.page) and violations(pane.page, axe) == []
    pane.click("build_paper_anyway")  # done state with download links
    assert pane.download_names()
    assert fits(pane.page) and violations(pane.page, axe) == []


def test_the_pane_without_its_client_says_how_to_install_it(open_pane, work, axe, tmp_path):
    """A real server where xlwings-server's client is not installed: a package of that name without its static files
    stands first on the server's path, as an installation without the officejs extra finds none."""
    shadow = tmp_path / "xlwings_server"
    shadow.mkdir()
    (shadow / "__init__.py").write_text('"""Not the real xlwings-server: it has no static/js."""\n')
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY}
    with running_server(env, tmp_path) as server:  # `python -m addin serve` in tmp_path: tmp_path is first on its path
        assert ('task pane client: missing, the task pane cannot run: pip install "riskreg[officejs]" and restart'
                in server.log_text())
        pane = open_pane(work, url=server.url, client_missing=True)
        pane.shot("4-error-no-client")
        assert pane.page.inner_text("#client-missing") == (
            'This server has no Office.js client: install riskreg on it with pip install "riskreg[officejs]" and '
            'restart riskreg serve.')
        assert fits(pane.page) and violations(pane.page, axe) == []


def test_the_ribbons_buttons_run_through_the_pane(open_pane, work):
    """The manifest's ExecuteFunction buttons (Validate, Refresh trends) call the actions the pane associates."""
    pane = open_pane(work)
    pane.page.evaluate("() => new Promise(done => officeDouble.associated.validate({completed: done}))")
    assert pane.status() == "1 error, 1 warning in 18 risks — see the Validation sheet."


def test_keyboard_only_tab_order_visible_focus_and_enter(open_pane, work):
    pane = open_pane(work)
    page = pane.page
    order = []
    for _ in TAB_ORDER:
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.id")
        order.append(focused)
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle + ' ' + "
                                "getComputedStyle(document.activeElement).outlineWidth")
        assert outline == "solid 3px", focused  # the :focus-visible ring
    assert order == TAB_ORDER
    page.focus("#validate")
    page.keyboard.press("Enter")
    pane.wait_done()
    assert pane.status() == "1 error, 1 warning in 18 risks — see the Validation sheet."
    assert page.evaluate("() => document.activeElement.id") == "validate"  # focus stays where the user was
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # a button works with Space too
    pane.wait_done()
    assert pane.status().startswith("Summary sheet rebuilt for 2021/22 Q2.")


def test_status_and_errors_are_announced(open_pane, work):
    pane = open_pane(work)
    status = pane.page.locator("#status")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")
    assert pane.page.get_attribute("#global-error-alert", "role") == "alert"
    assert pane.page.get_attribute("#build_paper_anyway", "aria-describedby") == "anyway-hint"


def test_while_the_server_works_the_pane_is_busy(open_pane, work):
    """Hold the real request on its way to the server: the pane says it is working and takes no second click."""
    pane = open_pane(work)
    held = []
    pane.page.route("**/xlwings/custom-scripts-call/**", lambda route: held.append(route))
    with pane.page.expect_request("**/xlwings/custom-scripts-call/validate"):
        pane.page.click("#validate")
    for _ in range(100):  # the route handler runs between Playwright calls: give it a few
        if held:
            break
        pane.page.wait_for_timeout(20)
    assert len(held) == 1
    assert pane.status() == "Validate: working…"
    pane.shot("2-working")
    assert pane.page.get_attribute("#pane", "aria-busy") == "true"
    assert pane.page.get_attribute("#refresh_trends", "aria-disabled") == "true"
    pane.page.click("#refresh_trends", force=True)  # ignored while busy: no second request, the status unchanged
    assert pane.status() == "Validate: working…"
    assert len(held) == 1
    held[0].continue_()
    pane.wait_done()
    assert pane.status() == "1 error, 1 warning in 18 risks — see the Validation sheet."
    assert pane.page.get_attribute("#refresh_trends", "aria-disabled") is None
