"""Decode Stripe's form encoding (`a[b][0][c]=v`) into nested dicts and lists."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


class FormError(ValueError):
    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


def decode(body: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        match = _KEY.match(key)
        if not match:
            raise FormError(f"Invalid parameter name: {key}", key)
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        _assign(result, parts, value, key)
    return _listify(result)


def _assign(target: dict[str, Any], parts: list[str], value: str, key: str) -> None:
    node = target
    for index, part in enumerate(parts[:-1]):
        following = parts[index + 1]
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise FormError(f"Invalid parameter: {key}", key)
        if following == "":
            node.setdefault("", [])
    last = parts[-1]
    if last == "":
        node.setdefault("", []).append(value)
    elif isinstance(node.get(last), dict):
        raise FormError(f"Invalid parameter: {key}", key)
    else:
        node[last] = value


def _listify(node: Any) -> Any:
    """Turn {"0": …, "1": …} (and `a[]` appends) into lists, recursively."""
    if not isinstance(node, dict):
        return node
    if set(node) == {""}:
        return [_listify(v) for v in node[""]]
    if node and all(k.isdigit() for k in node):
        return [_listify(node[k]) for k in sorted(node, key=int)]
    return {k: _listify(v) for k, v in node.items()}
