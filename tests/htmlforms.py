"""What a browser would send from a page's POST form, read from the HTML alone (no browser).

Shared by the soak test (tests/reliability/test_soak.py) and the production-like journeys
(scripts/prodlike_journeys.py), which drive the shop over plain HTTP.
"""

from html.parser import HTMLParser


class FormValues(HTMLParser):
    """The fields of the POST form whose action is ``action`` (or ``base`` + ``action``, or a form with no
    action on that page), as a browser sends them: inputs, checked boxes, the selected (else the first)
    option of each select, and textareas."""

    def __init__(self, action, base=""):
        super().__init__()
        self.actions = {action, base + action}
        self.action, self.inside, self.values, self._select, self._textarea = action, False, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or self.action) in self.actions and a.get("method", "").lower() == "post"
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.values):
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_values(html, action, base=""):
    """{name: value} of the POST form of ``html`` whose action is ``action`` (see ``FormValues``)."""
    parser = FormValues(action, base)
    parser.feed(html)
    return parser.values
