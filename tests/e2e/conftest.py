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


# Every WCAG 2.0/2.1/2.2 level A and AA rule is the project's bar: a violation of any of them
# fails, whatever impact axe gives it (axe's "moderate" and "minor" are still WCAG failures).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
# Best-practice rules (one main landmark, unique landmark names, page-has-heading-one, ...) are
# Deque's advice, not WCAG criteria; many flag patterns that still conform. They run too, but
# only fail when axe rates them serious or critical, so advice never blocks a conforming page.
BEST_PRACTICE_IMPACTS = ("serious", "critical")
SHOWN_NODES = 3


def axe_failures(results: dict) -> list[dict]:
    """The violations that fail the project's WCAG 2.2 AA bar (see WCAG_TAGS)."""
    return [
        v
        for v in results["violations"]
        if set(v["tags"]) & set(WCAG_TAGS) or v["impact"] in BEST_PRACTICE_IMPACTS
    ]


def _describe(violation: dict) -> str:
    targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
    shown = ", ".join(targets[:SHOWN_NODES])
    more = f" (+{len(targets) - SHOWN_NODES} more)" if len(targets) > SHOWN_NODES else ""
    wcag = ",".join(t for t in violation["tags"] if t.startswith("wcag")) or "best-practice"
    return (
        f"- {violation['id']} [{violation['impact']}; {wcag}]: {violation['help']}\n"
        f"    nodes: {shown}{more}\n"
        f"    {violation['helpUrl']}"
    )


def assert_accessible(page):
    """Run axe-core on the page as it is now; fail on any WCAG 2.2 A/AA violation (any impact)
    and on serious or critical best-practice ones."""
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        [*WCAG_TAGS, "best-practice"],
    )
    failures = axe_failures(results)
    assert not failures, f"axe-core: {len(failures)} accessibility problem(s) on {page.url}\n" + (
        "\n".join(_describe(v) for v in failures)
    )
