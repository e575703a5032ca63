"""The posture checker's Streamlit app: a router over the pages in ``posture_app/pages/``.

Run with ``streamlit run app.py`` (settings in ``.streamlit/config.toml``: localhost only, no usage
statistics, 50 MB uploads). The pages only call the ``posture`` library and present its results.

Where things happen
    * ``st.navigation`` runs only the page that is open: the History page's SQLite reads happen
      when it is opened, never while a check is on screen.
    * This router draws what every page shares (title, apologies for failed widget callbacks) and
      keeps the person's details and answers (``session.keep_widget_values``) while another page
      is open. Shared blocks live in ``posture_app/`` (cards, guards, person, results).
    * Photos are analysed in memory; analyses are cached in the browser session, and the pose
      model is loaded once per process (``posture_app/pages/photo_check.py``).
    * Nothing is written to disk unless the person presses "Save": then the assessment goes to
      the SQLite history (``POSTURE_DATA_DIR`` or the user's data directory).
    * No traceback reaches the page: each section runs inside ``guards.guarded``, which logs the
      exception to the server log and shows an apology; this router guards the whole run too.
      ``client.showErrorDetails = "none"`` backs this up.
    * Text the person types (label, notes) is shown through Markdown escaping or plain-text
      widgets, never as HTML.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from posture_app import session
from posture_app.guards import LOG, apologise, show_callback_failures
from posture_app.guide import page_icon

PAGES_DIR = Path(__file__).resolve().parent / "posture_app" / "pages"
# (file in PAGES_DIR, title, icon): one line per page, in menu order; the first opens at start.
PAGES = (
    ("photo_check.py", "Photo check", ":material/photo_camera:"),
    ("jump_check.py", "Jump-rope check", ":material/sports_gymnastics:"),
    ("history.py", "History", ":material/history:"),
    ("about.py", "About / guide", ":material/menu_book:"),
)


def pages() -> list[st.Page]:
    return [
        st.Page(PAGES_DIR / file, title=title, icon=icon, default=number == 0)
        for number, (file, title, icon) in enumerate(PAGES)
    ]


def main() -> None:
    page = st.navigation(pages(), position="top")
    session.keep_widget_values(st.session_state)
    st.title("Posture checker")
    show_callback_failures()
    st.caption(
        "Photos of a standing person → body landmarks → posture measures → patterns commonly associated "
        "with them → a corrective plan. An educational screening, not a diagnosis."
    )
    page.run()


def run() -> None:
    st.set_page_config(page_title="Posture checker", page_icon=page_icon(), layout="wide")
    try:
        main()
    except Exception:
        LOG.exception("unexpected error")
        apologise("the page")


if __name__ == "__main__":
    run()
