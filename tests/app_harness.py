"""The Streamlit app driven headless (``streamlit.testing.v1.AppTest``), shared by the app's test files:
where the app and its pages are, opening it on a page, and reading what a person reads on it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = ROOT / "app.py"
PHOTO_PAGE = "posture_app/pages/photo_check.py"
JUMP_PAGE = "posture_app/pages/jump_check.py"
HISTORY_PAGE = "posture_app/pages/history.py"
ABOUT_PAGE = "posture_app/pages/about.py"
TIMEOUT_S = 120


def texts(at: AppTest, widgets: bool = True) -> str:
    """All the text on the page that a person reads, one element per line (with widget labels or not)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += [f"{metric.label}: {metric.value}" for metric in at.metric]
    parts += [str(element.label) for element in at.expander]
    if widgets:
        parts += [str(element.label) for element in at.selectbox]
    return "\n".join(parts)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    page = texts(at)
    assert "Traceback" not in page


def open_app(page: str | None = None) -> AppTest:
    """The app after its first run, opened straight on ``page`` (as its address in the browser would) or
    on its start page, with nothing on it that went wrong."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    if page is not None:
        at.switch_page(page)
    at.run()
    assert_clean(at)
    return at
