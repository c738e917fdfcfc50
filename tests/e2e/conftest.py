"""Browser tests: Playwright drives Debian's Chromium against the live server.

Locally, without /usr/bin/chromium, they skip with a reason; with CI=true they must run, so a
missing browser fails the run instead of silently passing, and so does any browser test that
skips for another reason. The terminal summary says how many browser tests ran.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


HERE = Path(__file__).parent
_outcomes: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _is_browser_test(nodeid_or_item) -> bool:
    path = getattr(nodeid_or_item, "path", None)
    if path is not None:
        return HERE in Path(path).parents
    return str(nodeid_or_item).startswith("tests/e2e/")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.e2e)
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if _in_ci():
        raise pytest.UsageError(
            f"CI=true but Chromium is missing at {CHROMIUM}: browser tests must run."
        )
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
    for item in items:
        if _is_browser_test(item):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and _in_ci() and _is_browser_test(item) and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true: a browser test must run, but it skipped ({reason})."
    return report


def pytest_runtest_logreport(report):
    if not _is_browser_test(report.nodeid):
        return
    # Once per test: its call, or the setup that stopped it, or a teardown that failed.
    counted = (
        report.when == "call"
        or (report.when == "setup" and report.outcome != "passed")
        or (report.when == "teardown" and report.outcome == "failed")
    )
    if counted:
        _outcomes[report.outcome] = _outcomes.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter):
    if sum(_outcomes.values()):
        terminalreporter.write_sep(
            "-",
            f"browser tests (Chromium at {CHROMIUM}): {_outcomes['passed']} passed, "
            f"{_outcomes['failed']} failed, {_outcomes['skipped']} skipped",
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; CSP would (rightly) block that. CSP itself is checked by
    # test_csp.py in a context without this bypass.
    # Reduced motion: Bootstrap then skips colour transitions, which axe could otherwise sample
    # half-way (a false contrast failure on a loaded machine).
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 1280, "height": 800},
        "reduced_motion": "reduce",
    }


@pytest.fixture
def login(page, live_server):
    def do_login(username: str, password: str = "correct-horse-battery"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login


def assert_accessible(page, *, impacts=("serious", "critical")):
    """Run axe-core (WCAG 2.2 A/AA rules) on the page; fail on serious or critical issues."""
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in impacts
    ]
    assert not problems, "axe-core found accessibility problems:\n" + "\n".join(problems)
