"""The Streamlit dashboard: `streamlit run dashboard/app.py`.

`app.py` builds the navigation, `views/` holds one file per page, `data.py` is the
only module that touches the store. Everything else here is pure and unit-tested.
"""
