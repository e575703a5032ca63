"""Guards that keep program internals off the page: an unexpected exception becomes a short apology.

Every page runs its sections inside :func:`guarded`; widget callbacks, which Streamlit runs before
the page, are wrapped by :func:`guarded_callback` and apologised for by the router
(:func:`show_callback_failures`). The details always go to the server log.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from typing import ParamSpec

import streamlit as st

from posture_app import present

LOG = logging.getLogger("posture_app")
CALLBACK_FAILURES_KEY = "_callback_failures"

Params = ParamSpec("Params")


def apologise(where: str) -> None:
    st.error(
        f"**{present.UNEXPECTED_TITLE}** ({present.plain(where)}). {present.UNEXPECTED_MESSAGE}",
        icon=":material/sentiment_dissatisfied:",
    )


@contextlib.contextmanager
def guarded(where: str) -> Iterator[None]:
    """Run a part of the page; an unexpected exception is logged (server side) and replaced by an apology.

    Streamlit's own control flow (st.rerun, st.stop, st.switch_page) derives from BaseException and
    passes through.
    """
    try:
        yield
    except Exception:
        LOG.exception("unexpected error in %s", where)
        apologise(where)


def guarded_callback(where: str) -> Callable[[Callable[Params, None]], Callable[Params, None]]:
    """The same guard for widget callbacks: a failure is logged and remembered for the next run's apology."""

    def decorate(callback: Callable[Params, None]) -> Callable[Params, None]:
        @functools.wraps(callback)
        def run_guarded(*args: Params.args, **kwargs: Params.kwargs) -> None:
            try:
                callback(*args, **kwargs)
            except Exception:
                LOG.exception("unexpected error in %s", where)
                st.session_state[CALLBACK_FAILURES_KEY] = [*st.session_state.get(CALLBACK_FAILURES_KEY, []), where]

        return run_guarded

    return decorate


def show_callback_failures() -> None:
    """Apologise, once, for each callback that failed before this run."""
    for where in st.session_state.pop(CALLBACK_FAILURES_KEY, []):
        apologise(where)


def safe_download(render: Callable[[], bytes | str], what: str) -> Callable[[], bytes | str]:
    """A deferred download whose failure is logged and downloads an apology instead of breaking the page."""

    def produce() -> bytes | str:
        try:
            return render()
        except Exception:
            LOG.exception("unexpected error producing the %s", what)
            return f"Sorry, the {what} could not be produced. The details are in the app's log.\n"

    return produce
