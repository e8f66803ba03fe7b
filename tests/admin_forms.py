"""Read an admin page's form back as POST data, as a browser would submit it unchanged.

Admin change forms carry many fields (and inline management forms) that change as models
grow; a test that edits one field posts what the page shows with that one field replaced.
"""

from html.parser import HTMLParser

_NOT_SUBMITTED = {"submit", "button", "file", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "option":
            if self._select is not None and "selected" in found:
                self._add(self._select, found.get("value", ""))
        elif "name" not in found or "disabled" in found:
            return
        elif tag == "input":
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self._add(found["name"], found.get("value", "on"))
            elif kind not in _NOT_SUBMITTED:
                self._add(found["name"], found.get("value", ""))
        elif tag == "select":
            self._select = found["name"]
            self.data.setdefault(found["name"], [])
        elif tag == "textarea":
            self._textarea = found["name"]
            self._add(found["name"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The line break after <textarea> belongs to the markup, not to the value.
            value = self.data[self._textarea][-1]
            self.data[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.data[self._textarea][-1] += data


def admin_form_data(html: bytes | str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form ``form_id`` (e.g. ``listing_form``) with their current values."""
    reader = _FormReader(form_id)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return reader.data
