"""Plain text from users: which characters are refused (docs/security.md, "Control characters").

Control characters other than tab, line feed and carriage return (C0, DEL and C1)
have no place in names, answers or comments. They break spreadsheets (openpyxl refuses
them, Excel cannot open the file), terminals (ESC sequences) and databases (NUL). Every
text input is checked with `control_character()` / `check_text()`, and exports strip
them again with `strip_control()` as a second defence (for data stored before the
check existed). Pure: no database, no web framework.
"""
from __future__ import annotations

import re

# C0 controls except \t \n \r, DEL, and the C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """The first refused character of `text` as "U+000B", or None when it is clean."""
    m = CONTROL.search(text)
    return f"U+{ord(m.group()):04X}" if m else None


def strip_control(text: str) -> str:
    return CONTROL.sub("", text)


def message(code: str) -> str:
    """The sentence for an error item naming the field (Swedish / English)."""
    return (f"innehåller ett otillåtet styrtecken ({code}); bara tabb och radbrytning är tillåtna / "
            f"contains a control character ({code}); only tab and line breaks are allowed")


def problems(value, field: str) -> list[dict[str, str]]:
    """Error items ({"field", "message"}) for every string inside `value` (a string, or
    lists and dicts of them, walked recursively) that holds a refused character."""
    out: list[dict[str, str]] = []
    if isinstance(value, str):
        code = control_character(value)
        if code:
            out.append({"field": field, "message": message(code)})
    elif isinstance(value, dict):
        for key, item in value.items():
            out.extend(problems(key, f"{field}") if isinstance(key, str) and control_character(key) else [])
            out.extend(problems(item, f"{field}.{key}" if field else str(key)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            out.extend(problems(item, f"{field}[{i}]"))
    return out
