"""Typed configs: dataclasses loaded from and dumped to YAML; unknown keys are errors."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from trigq.errors import TrigqError
from trigq.utils.atomic import atomic_write_text

T = TypeVar("T")


class ConfigError(TrigqError, ValueError):
    """A config file or mapping does not match its dataclass."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with YAML 1.2 floats: ``1.0e9`` and ``1e9`` are numbers, not strings."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?)$"
    ),
    list("-+0123456789."),
)


def yaml_load(text: str, where: str) -> Any:
    """Parse YAML text safely (no Python tags); ``ConfigError`` naming ``where`` if it is not valid."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError(f"{where}: not valid YAML (only plain data is accepted): {detail}") from exc


def read_text_file(path: str | os.PathLike[str], what: str = "config file") -> str:
    """A UTF-8 text file's content; ``ConfigError`` naming the file when it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} not found: {p}") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{p}: is a directory, expected a {what}") from exc
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read {what}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not a UTF-8 text file (byte {exc.start}); expected a YAML {what}") from exc


def _convert(value: Any, tp: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(value, arg, where)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(f"{where}: {value!r} matches none of {tp}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping for {tp.__name__}, got {value!r}")
        return config_from_dict(tp, value, where)
    if origin in (tuple,):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a sequence, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if args and len(args) != len(value):
            raise ConfigError(f"{where}: expected {len(args)} values, got {len(value)}")
        return tuple(_convert(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if origin in (list,):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return [_convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)] if args else list(value)
    if origin in (dict,):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        return {k: _convert(v, args[1], f"{where}.{k}") for k, v in value.items()} if args else dict(value)
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(f"{where}: {value!r} is not one of {list(args)}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{where}: expected a finite number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, float) and value.is_integer():  # 1e6 in YAML is a float
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true/false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if isinstance(tp, type) and not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {tp.__name__}, got {value!r}")
    return value


def config_from_dict(cls: type[T], data: dict[str, Any], where: str | None = None) -> T:
    """Build dataclass ``cls`` from a mapping; unknown or mistyped keys raise ``ConfigError``."""
    where = where or cls.__name__
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(fields)}")
    kwargs = {k: _convert(v, hints[k], f"{where}.{k}") for k, v in data.items()}
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return obj


def config_to_dict(obj: Any) -> dict[str, Any]:
    """Plain-data (YAML/JSON-safe) mapping of a dataclass; tuples become lists."""

    def plain(v: Any) -> Any:
        if dataclasses.is_dataclass(v):
            return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    return plain(obj)


def load_config(cls: type[T], path: str | os.PathLike[str] | None = None, **overrides: Any) -> T:
    """Load ``cls`` from a YAML file (partial files override the defaults), then apply overrides."""
    data: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        loaded = yaml_load(read_text_file(p), str(p))
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{p}: top level must be a mapping")
        data.update(loaded)
    for key, value in overrides.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{key}: expected a finite number, got {value!r}")
    data.update({k: v for k, v in overrides.items() if v is not None})
    defaults = config_to_dict(cls())
    merged = _deep_merge(defaults, data)
    return config_from_dict(cls, merged, where=str(path) if path else cls.__name__)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def dump_config(obj: Any, path: str | os.PathLike[str] | None = None) -> str:
    """YAML text of a dataclass config; written atomically to ``path`` when given."""
    text = yaml.safe_dump(config_to_dict(obj), sort_keys=False)
    if path is not None:
        atomic_write_text(path, text)
    return text
