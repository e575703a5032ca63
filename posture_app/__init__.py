"""The Streamlit app's pages (``pages/``, routed by ``app.py``) and the blocks they share: guards,
cards, the person's details, results, saving, session state, wording and the photo guide.

Nothing here computes posture: that is the ``posture`` library's job. ``present``, ``guide`` and
``saving`` do not import Streamlit, so they can be tested (and reused by other front ends) without it.
"""
