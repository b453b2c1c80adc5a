"""What a browser sends for a form of a page: its named fields with their current values.

Used by load_locustfile.py to post the customer edit form, the import's column mapping and
the statement batch form exactly as served (CSRF token, record version, selected options).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
# A message's text; a flashed alert's comes after its close button.
MESSAGE = re.compile(
    r'class="[^"]*(?:text-danger|help-block|alert-danger)[^"]*"[^>]*>'
    r"(?:\s*<button[^>]*>.*?</button>)?(.*?)</",
    re.S,
)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # [{"attrs": {...}, "fields": [(name, value)]}]
        self._form = None
        self._select = None  # [name, multiple, chosen values, first option value]
        self._option = None  # [value or None, selected, text]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = [name, "multiple" in a, [], None]
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea[1] += data

    def _close_option(self):
        value, selected, text = self._option
        value = text.strip() if value is None else value
        if self._select[3] is None:
            self._select[3] = value
        if selected:
            self._select[2].append(value)
        self._option = None

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            name, multiple, chosen, first = self._select
            if not chosen and not multiple and first is not None:
                chosen = [first]  # a single select without a selected option sends its first
            self._form["fields"].extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # The parser keeps the newline browsers drop after <textarea>.
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms(page):
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_fields(page, method="post", action_contains=None, having=None):
    """The fields of the first form of ``page`` with that method (and whose action holds
    ``action_contains``, or which has a field named ``having``), as (name, value) pairs."""
    for form in forms(page):
        attrs = form["attrs"]
        if (attrs.get("method") or "get").lower() != method:
            continue
        if action_contains is not None and action_contains not in (attrs.get("action") or ""):
            continue
        if having is not None and having not in dict(form["fields"]):
            continue
        return form["fields"]
    raise LookupError(f"no {method} form (action {action_contains!r}, field {having!r})")


def replaced(fields, **values):
    """``fields`` with each named field's value replaced (added when missing)."""
    out = [(name, values[name] if name in values else value) for name, value in fields]
    out += [(name, value) for name, value in values.items() if name not in dict(fields)]
    return out


def encoded(fields):
    return urlencode(fields)


def multipart(fields, file_field, file_name, content, content_type="text/csv"):
    """A multipart/form-data body with ``fields`` and one file; (body, content type)."""
    boundary = "----ledgerline-load-boundary-7c1f"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def messages(page):
    """The validation messages of a form that came back."""
    return [" ".join(m.split()) for m in MESSAGE.findall(page) if m.strip()]


def csrf_meta(page):
    match = CSRF_META.search(page)
    if not match:
        raise LookupError("no csrf-token meta tag on the page")
    return match.group(1)
