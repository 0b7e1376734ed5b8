"""The UI's pages: Streamlit scripts that the router `ui/app.py` runs (`st.navigation`), never imported.

    st.Page("views/find.py", title="Find trials")

A package so that the type check and the layer contract read them like the rest of `ui`.
"""
