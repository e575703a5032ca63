"""The Streamlit app's pages (``pages/``, routed by ``app.py``) and the blocks they share: guards,
cards, the person's details, results, session state, presentation and the photo guide.

Nothing here computes posture or words it: that is the ``posture`` library's job (the words in
``posture.wording``, what a save stores in ``posture.history.record``). ``present`` and ``guide`` do not
import Streamlit, so they can be tested without it.
"""
