"""App-only helpers for the Streamlit app (``app.py``): formatting, the photo guide, session state.

Nothing here computes posture: that is the ``posture`` library's job. ``present`` and ``guide`` do
not import Streamlit, so they can be tested (and reused by other front ends) without it.
"""
