"""Check request parameters against the parameter types the installed SDK declares.

Real Stripe answers 400 to a parameter it does not know (for example
`phases[0][iterations]`, removed in API 2025-09-30); so does the sandbox,
using the TypedDicts in `stripe.params` as the list of accepted names.
"""

from __future__ import annotations

import sys
import typing
from typing import Any

from stripe_sandbox.formdata import FormError

_NAMESPACE = {
    name: getattr(typing, name) for name in ("Dict", "List", "Literal", "Optional", "Union")
}


def check(params: dict[str, Any], spec: type | None) -> None:
    """Raise FormError naming the first parameter `spec` does not accept."""
    if spec is not None:
        _check_typed_dict(params, spec, "")


def _name(path: str, key: str) -> str:
    return f"{path}[{key}]" if path else key


def _check_typed_dict(value: Any, spec: type, path: str) -> None:
    if not isinstance(value, dict):
        raise FormError(f"Invalid object: {path}", path)
    hints = _hints(spec)
    for key, item in value.items():
        if key not in hints:
            raise FormError(f"Received unknown parameter: {_name(path, key)}", _name(path, key))
        _check(item, hints[key], _name(path, key))
    for key in getattr(spec, "__required_keys__", ()):
        if key not in value:
            raise FormError(f"Missing required param: {_name(path, key)}.", _name(path, key))


def _check(value: Any, hint: Any, path: str) -> None:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.NotRequired, typing.Required):
        return _check(value, args[0], path)
    if origin is typing.Union:
        return _check_union(value, args, path)
    if origin is list:
        if not isinstance(value, list):
            raise FormError(f"Invalid array: {path}", path)
        for index, item in enumerate(value):
            _check(item, args[0], f"{path}[{index}]")
        return None
    if origin is typing.Literal:
        if value not in [str(a) for a in args]:
            raise FormError(f"Invalid {path}: must be one of {', '.join(map(str, args))}", path)
        return None
    if hint is int and not (isinstance(value, str) and value.lstrip("-").isdigit()):
        raise FormError(f"Invalid integer for {path}: {value}", path)
    if _is_typed_dict(hint):
        return _check_typed_dict(value, hint, path)
    return None


def _check_union(value: Any, options: tuple[Any, ...], path: str) -> None:
    if isinstance(value, dict):
        typed = [o for o in options if _is_typed_dict(o)]
        if typed and not any(typing.get_origin(o) is dict for o in options):
            return _check_typed_dict(value, typed[0], path)
        return None
    if isinstance(value, list):
        lists = [o for o in options if typing.get_origin(o) is list]
        return _check(value, lists[0], path) if lists else None
    # The SDK types every enum as `Literal[...] | str` for forward compatibility;
    # the API version it pins accepts the literal values only.
    literals = [o for o in options if typing.get_origin(o) is typing.Literal]
    if literals and all(o is str or o in literals for o in options):
        allowed = [str(a) for o in literals for a in typing.get_args(o)]
        if value not in allowed:
            raise FormError(f"Invalid {path}: must be one of {', '.join(allowed)}", path)
    return None


def _is_typed_dict(hint: Any) -> bool:
    return isinstance(hint, type) and hasattr(hint, "__required_keys__")


def _hints(spec: type) -> dict[str, Any]:
    namespace = {**_NAMESPACE, **vars(sys.modules[spec.__module__])}
    hints: dict[str, Any] = {}
    for klass in reversed(spec.__mro__):
        for key, hint in getattr(klass, "__annotations__", {}).items():
            hints[key] = _resolve(hint, namespace)
    return hints


def _resolve(hint: Any, namespace: dict[str, Any]) -> Any:
    """Evaluate forward references; what cannot be resolved accepts anything."""
    if isinstance(hint, typing.ForwardRef):
        hint = hint.__forward_arg__
    if isinstance(hint, str):
        try:
            hint = eval(hint, namespace)  # noqa: S307 - the SDK's own annotations
        except Exception:
            return Any
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if not args or origin is typing.Literal:
        return hint
    resolved = tuple(_resolve(a, namespace) for a in args)
    if origin is typing.Union:
        return typing.Union[resolved]  # noqa: UP007
    if origin in (typing.NotRequired, typing.Required):
        return origin[resolved[0]]
    if origin is list:
        return list[resolved[0]]  # type: ignore[valid-type]
    return hint
