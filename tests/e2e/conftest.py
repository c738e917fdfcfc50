"""Browser tests: Playwright drives Debian's Chromium against the live server.

Locally, without /usr/bin/chromium, they skip with a reason; with CI=true they must run, so a
missing browser fails the run instead of silently passing.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            f"CI=true but Chromium is missing at {CHROMIUM}: browser tests must run."
        )
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


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
