"""How letters are made: the options render, batch, validate and the tracking verbs share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.spec.vocabulary import DEFAULT_FORMATS, FORMATS

__all__ = ["DEFAULTS", "DEFAULT_FORMATS", "FORMATS", "Options"]


@dataclass(frozen=True)
class Options:
    """How letters are made; the same for render, batch and validate."""

    formats: tuple[str, ...] = DEFAULT_FORMATS
    templates_dir: Path = DEFAULT_TEMPLATES
    profile: Path | None = None  # replaces the office profile every spec names
    archive: bool = False  # PDF/A-3b with the spec and its files attached, to regenerate the letter from it
    profiles: Path | None = None  # a folder specs' office.profile may name files in, besides their own tree


DEFAULTS = Options()
