"""The bare app with torch imported, the fair baseline for cold start (the lab imports torch).

streamlit run benchmarks/bare_app_torch.py
"""

import torch  # noqa: F401  (the import is what this variant measures)
from bare_app import draw

draw()
