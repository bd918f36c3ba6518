"""Safe YAML reading that remembers where each value came from.

PyYAML's `safe_load` throws away line numbers and silently keeps the last of two equal
keys in a mapping. Here we compose the node tree with a SafeLoader subclass and build
the Python data ourselves, so that we can

* keep a map from a path such as `areas[3].questions[2].scale` to its 1-based line,
* report duplicate keys instead of dropping one of them,
* keep the source text of plain scalars that YAML read as something other than a string
  (`id: 1.2`, `version: 2026.10`), so string fields get exactly what the author typed,
* refuse alias cycles and alias "bombs" without hanging.

Booleans follow YAML 1.2: only `true`/`false` are booleans, so an option written
`value: yes` or a language `no` stays the string the author meant.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

BOOL_TAG = "tag:yaml.org,2002:bool"
MERGE_TAG = "tag:yaml.org,2002:merge"
INT_TAG = "tag:yaml.org,2002:int"
MAX_NUMBER_CHARS = 30  # an integer written with more characters is refused, naming it
MAX_NODES = 200_000  # far above any real questionnaire; stops alias expansion bombs


# libyaml's parser is about 20 times faster than the pure-Python one; both keep marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Safe loader with YAML 1.2 booleans (yes/no/on/off are plain strings)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class YamlIssue:
    path: str
    message: str
    line: int | None


@dataclass
class ParsedYaml:
    data: Any
    lines: dict[str, int] = field(default_factory=dict)  # path -> 1-based line
    raw: dict[str, str] = field(default_factory=dict)  # path -> text of a non-string plain scalar


class _Abort(Exception):
    def __init__(self, issue: YamlIssue):
        self.issue = issue


def child_path(parent: str, key: Any) -> str:
    return f"{parent}.{key}" if parent else str(key)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Builder:
    def __init__(self, loader: _Loader):
        self.loader = loader
        self.result = ParsedYaml(data=None)
        self.issues: list[YamlIssue] = []
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: Node, path: str) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Abort(YamlIssue(path, "filen är för stor eller har för många alias (&/*) / "
                                         "the file is too large or expands too many aliases (&/*)",
                                   _line(node)))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.active:
            raise _Abort(YamlIssue(path, "ett alias (*) pekar på sig självt / an alias (*) refers to "
                                         "itself; write the value out instead", _line(node)))
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    item_path = f"{path}[{index}]"
                    self.result.lines.setdefault(item_path, _line(item))
                    items.append(self.build(item, item_path))
                return items
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise _Abort(YamlIssue(path, "okänd YAML-nod / unknown YAML node", _line(node)))

    def _scalar(self, node: ScalarNode, path: str) -> Any:
        # Numbers are bounded before they are built: a 5,000-digit integer made Python's
        # int() raise ValueError (a 500 on upload), and no questionnaire needs more than
        # a few digits (docs/security.md, "Input hardening").
        if node.tag == INT_TAG and len(node.value) > MAX_NUMBER_CHARS:
            self.issues.append(YamlIssue(path, f"talet har för många siffror (högst {MAX_NUMBER_CHARS}) / the "
                                               f"number has too many digits (at most {MAX_NUMBER_CHARS})",
                                         _line(node)))
            return None
        try:
            value = self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # ValueError: a date such as 2024-13-40
            self.issues.append(YamlIssue(path, f"värdet kan inte läsas / the value cannot be read "
                                               f"({getattr(exc, 'problem', None) or exc})", _line(node)))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.issues.append(YamlIssue(path, "talet är oändligt eller inte ett tal / the number is infinite "
                                               "or not a number", _line(node)))
            return None
        if not node.style and value is not None and not isinstance(value, str):  # plain: None or ""
            self.result.raw[path] = node.value
        return value

    def _mapping(self, node: MappingNode, path: str) -> dict:
        mapping: dict = {}
        first_line: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self.issues.append(YamlIssue(path, "YAML-sammanslagning (<<) stöds inte; skriv ut "
                                                   "nycklarna / YAML merge keys (<<) are not supported; "
                                                   "write the keys out", _line(key_node)))
                continue
            if not isinstance(key_node, ScalarNode):
                self.issues.append(YamlIssue(path, "en nyckel måste vara ett enkelt namn / a key must "
                                                   "be a plain name", _line(key_node)))
                continue
            key = self._scalar(key_node, child_path(path, key_node.value))
            if key is None:
                key = key_node.value
            elif not isinstance(key, str):
                key = key_node.value  # keys are names: keep what was written
            key_path = child_path(path, key)
            if key in mapping:
                self.issues.append(YamlIssue(
                    key_path,
                    f"nyckeln '{key}' förekommer två gånger (första gången på rad {first_line[key]}); "
                    f"ta bort den ena / the key '{key}' appears twice (first on line {first_line[key]}); "
                    f"YAML would silently keep only the last one, remove one of them",
                    _line(key_node)))
                continue
            first_line[key] = _line(key_node)
            self.result.lines.setdefault(key_path, _line(key_node))
            mapping[key] = self.build(value_node, key_path)
        return mapping


def _reader_issue(text: str, exc: yaml.reader.ReaderError) -> YamlIssue:
    line = text.count("\n", 0, max(exc.position, 0)) + 1
    return YamlIssue("", f"otillåtet tecken {exc.character:#06x} i filen; ta bort det / the file holds "
                         f"the character {exc.character:#06x}, which YAML does not allow; remove it", line)


def parse_yaml(text: str) -> tuple[ParsedYaml | None, list[YamlIssue]]:
    """Parse one YAML document. Returns (parsed, issues); parsed is None when the text
    cannot be read at all (syntax error, empty file)."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character YAML does not allow
        return None, [_reader_issue(text, exc)]
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            detail = exc.problem or exc.context or "okänt fel"
            if exc.context and exc.problem:
                detail = f"{exc.context}, {exc.problem}"
            if exc.context_mark is not None and line is not None and exc.context_mark.line + 1 != line:
                detail += f" (det som inte avslutas börjar på rad {exc.context_mark.line + 1} / " \
                          f"what is left open starts on line {exc.context_mark.line + 1})"
            return None, [YamlIssue("", f"YAML-syntaxfel / YAML syntax error: {detail}; rätta raden / "
                                        f"fix the line", line)]
        except yaml.reader.ReaderError as exc:
            return None, [_reader_issue(text, exc)]
        except yaml.YAMLError as exc:
            return None, [YamlIssue("", f"YAML-fel / YAML error: {exc}", None)]
        if node is None:
            return None, [YamlIssue("", "filen är tom / the file is empty", None)]
        builder = _Builder(loader)
        builder.result.lines[""] = _line(node)
        try:
            builder.result.data = builder.build(node, "")
        except _Abort as abort:
            return None, builder.issues + [abort.issue]
        except RecursionError:
            return None, [YamlIssue("", "filen är för djupt nästlad / the file is nested too deeply", None)]
        return builder.result, builder.issues
    finally:
        loader.dispose()
