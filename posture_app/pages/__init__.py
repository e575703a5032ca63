"""The app's pages, one module each; ``app.py`` lists them for ``st.navigation``.

Streamlit runs a page file as ``__main__``, so each ends with ``if __name__ == "__main__": render()``:
importing a page (in tests or from another page) draws nothing.
"""
