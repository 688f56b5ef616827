"""Small shared helpers: atomic file writes, typed YAML configs, JSON output."""

from trigq.utils.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from trigq.utils.config import (
    ConfigError,
    config_from_dict,
    config_to_dict,
    dump_config,
    load_config,
    read_text_file,
    yaml_load,
)

__all__ = [
    "ConfigError",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "config_from_dict",
    "config_to_dict",
    "dump_config",
    "load_config",
    "read_text_file",
    "yaml_load",
]
