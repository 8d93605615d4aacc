"""A link on one line with a copy button: the sidebar's "link to exactly this view".

`st.code` would give the same box and button, but it makes the browser fetch and run Streamlit's code
viewer (about 1.5 MB of script) on every page, before a new visitor's first chart is drawn
(benchmarks/README.md, session 16). This is a small `st.components.v2` component instead: the link is
data, written with `textContent` (never parsed as HTML), and the button copies it with the browser's
clipboard API (or, on a page that has none, by selecting it: plain http to another machine). Its look
follows st.code's: a grey box, the monospace font, the button always shown.
"""

from __future__ import annotations

import streamlit as st

# the icons (paths in a 24 x 24 box): copy, and the check mark shown for a moment after a copy
_COPY_ICON = (
    "M9 18q-.825 0-1.412-.587T7 16V4q0-.825.588-1.412T9 2h9q.825 0 1.413.588T20 4v12q0 .825-.587 1.413T18 "
    "18zm0-2h9V4H9zm-4 6q-.825 0-1.412-.587T3 20V6h2v14h11v2zm4-6V4z"
)
_CHECK_ICON = "M9.55 18l-5.7-5.7 1.425-1.425L9.55 15.15l9.175-9.175L20.15 7.4z"

_HTML = f"""<div class="box"><code class="link"></code><button type="button" class="copy">
<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path class="icon" fill="currentColor"
d="{_COPY_ICON}"/></svg></button></div>"""

_CSS = """
.box { display: flex; align-items: center; gap: 0.25rem; background: #f0f2f6; border-radius: 0.5rem;
  padding: 0.35rem 0.35rem 0.35rem 0.75rem; }
.link { flex: 1; min-width: 0; overflow-x: auto; white-space: nowrap; font-size: 0.8rem;
  font-family: "Source Code Pro", "SFMono-Regular", Menlo, Consolas, monospace; color: #31333f;
  padding: 0.2rem 0; }
.copy { flex: none; display: inline-flex; align-items: center; justify-content: center; width: 2rem;
  height: 2rem; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; background: #fff;
  color: #31333f; cursor: pointer; padding: 0; }
.copy:hover, .copy:focus-visible { border-color: #ff4b4b; color: #ff4b4b; }
.copy.done { border-color: #21c354; color: #21c354; }
"""

# Called on every run with this run's data. Without the clipboard API (a page over plain http on another
# machine than the server is not a secure context), the link is selected and copied the old way.
_JS = """
const COPY = "COPY_ICON", CHECK = "CHECK_ICON";
export default function (component) {
  const { parentElement, data } = component;
  const link = parentElement.querySelector(".link");
  const button = parentElement.querySelector(".copy");
  const icon = parentElement.querySelector(".icon");
  link.textContent = data.link;
  button.title = data.copy;
  button.setAttribute("aria-label", data.copy);
  const copied = () => {
    button.classList.add("done");
    icon.setAttribute("d", CHECK);
    button.title = data.copied;
    setTimeout(() => {
      button.classList.remove("done");
      icon.setAttribute("d", COPY);
      button.title = data.copy;
    }, 1500);
  };
  button.onclick = () => {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(data.link).then(copied);
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(link);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (document.execCommand("copy")) copied();
  };
}
""".replace("COPY_ICON", _COPY_ICON).replace("CHECK_ICON", _CHECK_ICON)

_component = st.components.v2.component("nnlab.link_box", html=_HTML, css=_CSS, js=_JS)


def link_box(link: str, copy: str, copied: str, key: str) -> None:
    """The link on one line (scrolls sideways when long) and a button that copies it; `copy` and `copied`
    are the button's label before and after a click (its tooltip and accessible name)."""
    _component(data={"link": link, "copy": copy, "copied": copied}, key=key)
