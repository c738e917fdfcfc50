"""The site runs under a strict CSP; a page that needed inline script or style would log here."""


def test_pages_raise_no_csp_violations(browser, live_server, teacher, classroom):
    from tests.factories import ExcerptFactory, NoteFactory

    excerpt = ExcerptFactory()
    NoteFactory(document=excerpt.document, marker_offset=10)
    context = browser.new_context()  # no bypass_csp: the real policy applies
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    document = excerpt.document.get_absolute_url()
    for path in [
        "/",
        "/classes/",
        f"/classes/{classroom.pk}/",
        "/classes/new/",
        "/archive/",
        "/archive/?q=grain",
        document,
        "/archive/chronicle/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []
