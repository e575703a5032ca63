"""Posture checker library: a photo of a standing person in, measured posture, findings and a plan out.

The flow runs one way: ``imaging`` (decode, orient, validate) -> ``landmarks`` (MediaPipe) ->
``views`` (which side, quality gates) -> ``anatomy`` (clinical points) -> ``measures`` ->
``assessment`` (imbalance catalog, plan) -> presentation (``annotate``, ``report``, ``cli``;
the Streamlit app lives in ``app.py``), all worded by ``wording``; ``history`` keeps saved assessments.
Nothing here imports Streamlit.
"""

__version__ = "0.1.0"
