"""Reading figures back out of a report's HTML."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class _Values(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, Any] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-key" in a:
            key = a["data-key"]
            assert key not in self.values, f"data-key {key} appears twice"
            self.values[key] = json.loads(a["data-value"])


def data_values(html: str) -> dict[str, Any]:
    """{data-key: value} of every element with a data-key (values parsed as JSON), in
    document order."""
    parser = _Values()
    parser.feed(html)
    return parser.values


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.names.update(name for name, _ in attrs)


def attribute_names(html: str) -> set[str]:
    """Every attribute name used on any element of the document."""
    parser = _Attributes()
    parser.feed(html)
    return parser.names


def tag_names(html: str) -> set[str]:
    parser = _Attributes()
    parser.feed(html)
    return parser.tags
