"""Pure Python + torch core of the Neural Net Basics Lab (never imports streamlit)."""
