"""What a strict Content-Security-Policy (no 'unsafe-inline') would block in a page."""

from html.parser import HTMLParser

# Script types a browser does not execute (data blocks such as Django's json_script).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        executable = attributes.get("type") not in DATA_SCRIPT_TYPES
        if tag == "script" and "src" not in attributes and executable:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif name.startswith("on"):
                self.found.append(f"{name}= handler on <{tag}>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html):
    """Every inline script, style block, style attribute, on*= handler and javascript: URL."""
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found
