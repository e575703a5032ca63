"""The catalog validator: a table reader that knows where it is, so every error names its entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeGuard, TypeVar

from posture.catalog.model import HasId

T = TypeVar("T")
Choice = TypeVar("Choice", bound=str)


class CatalogError(ValueError):
    """The catalog file is missing, not TOML, or does not match the schema; the message names the entry."""


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "a table",
}


class Table:
    """One TOML table plus its path in the document; reads typed fields and rejects unknown ones."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise CatalogError(f"{path or 'catalog'}: expected a table, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.path = path
        self.used: set[str] = set()

    def where(self, key: str | None = None) -> str:
        """The path of this table, or of one of its fields."""
        if key is None:
            return self.path or "catalog"
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str | None = None) -> CatalogError:
        return CatalogError(f"{self.where(key)}: {message}")

    def optional(self, key: str, kind: type[T]) -> T | None:
        """The field checked against ``kind`` (an int passes as a float); None when it is absent.

        TOML has no null, so None always means "absent".
        """
        self.used.add(key)
        if key not in self.data:
            return None
        value = self.data[key]
        if not is_type(value, kind):
            raise self.error(f"expected {_TYPE_NAMES[kind]}, got {type(value).__name__}", key)
        return value

    def typed(self, key: str, kind: type[T]) -> T:
        """A field that must be there, checked against ``kind``."""
        value = self.optional(key, kind)
        if value is None:
            raise self.error(f"missing field '{key}'")
        return value

    def text(self, key: str, default: str | None = None) -> str:
        """A non-empty string; ``default`` (when given) stands in for an absent field."""
        value = self.optional(key, str)
        if value is None:
            if default is None:
                raise self.error(f"missing field '{key}'")
            value = default
        if not value.strip():
            raise self.error("must not be empty", key)
        return value

    def integer(self, key: str) -> int:
        return self.typed(key, int)

    def number(self, key: str) -> float:
        return float(self.typed(key, float))

    def strings(self, key: str) -> tuple[str, ...]:
        values: list[object] = self.typed(key, list)
        strings = []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.error(f"expected a string, got {type(value).__name__}", f"{key}[{index}]")
            strings.append(value)
        return tuple(strings)

    def table(self, key: str) -> Table:
        return Table(self.typed(key, dict), self.where(key))

    def tables(self, key: str, *, required: bool = True) -> list[Table]:
        """An array of tables; each item's path carries its index and, when it has one, its id."""
        items: list[object] | None = self.typed(key, list) if required else self.optional(key, list)
        tables = []
        for index, item in enumerate(items or []):
            label = f"{self.where(key)}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" ({item['id']})"
            tables.append(Table(item, label))
        return tables

    def one_of(self, key: str, allowed: Sequence[Choice]) -> Choice:
        """A string that must be one of ``allowed``; returned as the matching member (an enum's, say)."""
        value = self.text(key)
        for choice in allowed:
            if choice == value:
                return choice
        raise self.error(f"{value!r} is not one of {', '.join(allowed)}", key)

    def finish(self) -> None:
        """Reject fields the schema does not know: a typo must not be silently ignored."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(f"unknown field '{unknown[0]}'")


def is_type(value: object, kind: type[T]) -> TypeGuard[T]:
    """Whether a TOML value is of ``kind``; an integer counts as a number, a boolean never does."""
    if isinstance(value, bool):  # TOML booleans are never numbers
        return False
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def check_unique_ids(items: Sequence[HasId], what: str) -> None:
    """Refuse a list of entries in which two share an id, naming both places."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            first = f"{what}[{seen[item.id]}]"
            raise CatalogError(f"{what}[{index}] ({item.id}): duplicate id, already used by {first}")
        seen[item.id] = index
