"""Where templates are looked up: an office's folder in front of ours (mkdocs' `custom_dir`).

An office's `--templates` folder holds only what it changes: one layout, one partial, a
stylesheet, `tracking/`, a catalogue under `locale/`, entries of `layouts.yaml`. Every other
file comes from the tool's own templates, so the office keeps every later fix. Each folder
is confined on its own: a file found in one never leads out of it (see `ConfinedLoader`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # the package folder
# Installed wheels carry the templates inside the package; a source checkout keeps
# them at the top level, where offices can read and copy them.
DEFAULT_TEMPLATES = _HERE / "templates" if (_HERE / "templates").is_dir() else _HERE.parent / "templates"


def search_path(templates_dir: Path) -> tuple[Path, ...]:
    """The folders a name is looked up in, first first: `templates_dir`, then ours (once).

    >>> search_path(DEFAULT_TEMPLATES) == (DEFAULT_TEMPLATES,)
    True
    >>> search_path(Path("office"))[1:] == (DEFAULT_TEMPLATES,)
    True
    """
    return _search_path(templates_dir, DEFAULT_TEMPLATES)


@lru_cache(maxsize=32)
def _search_path(templates_dir: Path, ours: Path) -> tuple[Path, ...]:
    try:
        same = templates_dir.resolve() == ours.resolve()
    except OSError:
        same = False
    return (templates_dir,) if same else (templates_dir, ours)


def find(templates_dir: Path, name: str) -> Path | None:
    """The file `name` (a relative path with `/`) in the first folder that has an entry of that name,
    or None. The entry decides even when it cannot be used (a link out, a FIFO): the caller refuses it,
    rather than falling back silently to ours."""
    for folder in search_path(templates_dir):
        path = folder.joinpath(*name.split("/"))
        if os.path.lexists(path) and not path.is_dir():
            return path
    return None


def folder_of(templates_dir: Path, path: Path) -> Path:
    """The folder of the search path `path` was found in (the one it must stay inside)."""
    for folder in search_path(templates_dir):
        if path.is_relative_to(folder):
            return folder
    return templates_dir


OVERRIDES = ("*.j2", "*.css", "layouts.yaml", "locale", "tracking")
"""What an office's folder may hold in front of ours."""


def office_files(folder: Path) -> list[Path]:
    """What `folder` holds that would stand in front of ours (empty: a folder of something else)."""
    return sorted(path for pattern in OVERRIDES for path in folder.glob(pattern))
