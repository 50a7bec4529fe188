"""Does a Stripe object, as JSON, have the shape the installed SDK declares for it?

The stripe package declares each object's attributes with their types for the API
version it pins (`stripe/_invoice.py` …): an attribute not `Optional` is always
present and never null, and a `Literal` lists the values it may take. `problems()`
walks an object, its nested objects, lists and expanded fields against those
declarations, derived from the installed package, never from a hand-written list.
"""

from __future__ import annotations

import importlib
import types
import typing
from collections import Counter
from typing import Any, ForwardRef, Literal, Union

import stripe
from stripe._object_classes import OBJECT_CLASSES

NONE_TYPE = type(None)


def object_class(name: str) -> type | None:
    """The SDK's class for an `object` name such as "invoice" or "checkout.session"."""
    entry = OBJECT_CLASSES.get(name)
    if entry is None:
        return None
    module, attribute = entry
    return getattr(importlib.import_module(module), attribute)  # type: ignore[no-any-return]


def declared(cls: type) -> dict[str, Any]:
    """The attributes `cls` declares (its own and its bases'), ClassVars left out."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        for name, hint in vars(klass).get("__annotations__", {}).items():
            if typing.get_origin(hint) is not typing.ClassVar and not name.startswith("_"):
                hints[name] = hint
    return hints


def _options(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _resolve(hint: Any, owner: type) -> Any:
    """A forward reference ("Charge") as the SDK class it names."""
    if isinstance(hint, ForwardRef):
        name = hint.__forward_arg__
        found = getattr(owner, name, None) or getattr(stripe, name, None)
        return found if found is not None else Any
    if isinstance(hint, str):
        return _resolve(ForwardRef(hint), owner)
    return hint


class ShapeCheck:
    """Collects problems, and per object type how many declared attributes were present."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.present: Counter[str] = Counter()
        self.required: dict[str, int] = {}
        self.declared_present: Counter[str] = Counter()
        self.declared: dict[str, int] = {}
        self.seen: Counter[str] = Counter()

    def check(self, value: dict[str, Any], where: str = "") -> None:
        """Check a top-level object by its own `object` name."""
        cls = object_class(str(value.get("object", "")))
        if cls is None:
            self.problems.append(f"{where}: unknown object {value.get('object')!r}")
            return
        self._object(value, cls, where or str(value.get("object")))

    def _object(self, value: dict[str, Any], cls: type, where: str) -> None:
        if cls.__name__ in ("ListObject", "SearchResultObject"):
            for index, item in enumerate(value.get("data", [])):
                self._value(item, Any, cls, f"{where}.data[{index}]")
            return
        hints = declared(cls)
        name = value.get("object")
        kind = name if isinstance(name, str) else cls.__qualname__
        required = [n for n, h in hints.items() if NONE_TYPE not in _options(h)]
        self.seen[kind] += 1
        self.required[kind] = len(required)
        self.present[kind] += sum(1 for n in required if n in value)
        self.declared[kind] = len(hints)
        self.declared_present[kind] += sum(1 for n in hints if n in value)
        for name, hint in hints.items():
            path = f"{where}.{name}"
            if name not in value:
                if name in required:
                    self.problems.append(f"{path}: missing")
                continue
            self._value(value[name], hint, cls, path)

    def _value(self, value: Any, hint: Any, owner: type, where: str) -> None:
        options = [_resolve(o, owner) for o in _options(hint)]
        if value is None:
            if NONE_TYPE not in options and Any not in options:
                self.problems.append(f"{where}: null, but not Optional")
            return
        literals = [
            arg for o in options if typing.get_origin(o) is Literal for arg in typing.get_args(o)
        ]
        # `Union[Literal[...], str]` leaves room for values of later API versions; a
        # value of the pinned version is one of the Literal's.
        if literals and isinstance(value, str) and value not in literals:
            self.problems.append(f"{where}: {value!r} is not one of {literals}")
            return
        if isinstance(value, dict):
            self._dict(value, options, where)
        elif isinstance(value, list):
            inner = [typing.get_args(o)[0] for o in options if typing.get_origin(o) is list]
            for index, item in enumerate(value):
                self._value(item, inner[0] if inner else Any, owner, f"{where}[{index}]")

    def _dict(self, value: dict[str, Any], options: list[Any], where: str) -> None:
        by_name = object_class(str(value.get("object", ""))) if "object" in value else None
        classes = [o for o in options if isinstance(o, type) and issubclass(o, stripe.StripeObject)]
        generic = [
            typing.get_args(o)[0]
            for o in options
            if typing.get_origin(o) is not None
            and getattr(typing.get_origin(o), "__name__", "") == "ListObject"
        ]
        if by_name is not None:
            self._object(value, by_name, where)
        elif classes:
            self._object(value, classes[0], where)
        elif generic:
            for index, item in enumerate(value.get("data", [])):
                self._value(item, generic[0], stripe.StripeObject, f"{where}.data[{index}]")

    def coverage(self) -> dict[str, str]:
        """Per object type, on average over the objects seen: the attributes present of
        those declared always present, and of all those declared."""
        return {
            kind: f"{self.present[kind] / self.seen[kind]:.0f} of {self.required[kind]} "
            f"required, {self.declared_present[kind] / self.seen[kind]:.0f} of "
            f"{self.declared[kind]} declared"
            for kind in sorted(self.seen)
            if "." not in kind or kind in OBJECT_CLASSES
        }
