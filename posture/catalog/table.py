"""The catalog validator: a table reader that knows where it is, so every error names its entry."""

from __future__ import annotations

from typing import Any


class CatalogError(ValueError):
    """The catalog file is missing, not TOML, or does not match the schema; the message names the entry."""


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a table"}


class Table:
    """One TOML table plus its path in the document; reads typed fields and rejects unknown ones."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise CatalogError(f"{path or 'catalog'}: expected a table, got {type(data).__name__}")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def where(self, key: str | None = None) -> str:
        """The path of this table, or of one of its fields."""
        if key is None:
            return self.path or "catalog"
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str | None = None) -> CatalogError:
        return CatalogError(f"{self.where(key)}: {message}")

    def raw(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise self.error(f"missing field '{key}'")
            return default
        return self.data[key]

    def typed(self, key: str, kind: type, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if not is_type(value, kind):
            raise self.error(f"expected {_TYPE_NAMES[kind]}, got {type(value).__name__}", key)
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.typed(key, str, default)
        if isinstance(value, str) and not value.strip():
            raise self.error("must not be empty", key)
        return value

    def integer(self, key: str, default: Any = ...) -> int:
        return self.typed(key, int, default)

    def number(self, key: str, default: Any = ...) -> float:
        value = self.typed(key, float, default)
        return float(value) if value is not None else None

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        values = self.typed(key, list, default)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.error(f"expected a string, got {type(value).__name__}", f"{key}[{index}]")
        return tuple(values)

    def table(self, key: str) -> Table:
        return Table(self.typed(key, dict), self.where(key))

    def tables(self, key: str, default: Any = ...) -> list[Table]:
        """An array of tables; each item's path carries its index and, when it has one, its id."""
        items = self.typed(key, list, default)
        tables = []
        for index, item in enumerate(items):
            label = f"{self.where(key)}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" ({item['id']})"
            tables.append(Table(item, label))
        return tables

    def one_of(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.error(f"{value!r} is not one of {', '.join(allowed)}", key)
        return value

    def finish(self) -> None:
        """Reject fields the schema does not know: a typo must not be silently ignored."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(f"unknown field '{unknown[0]}'")


def is_type(value: Any, kind: type) -> bool:
    if isinstance(value, bool):  # TOML booleans are never numbers
        return False
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)
