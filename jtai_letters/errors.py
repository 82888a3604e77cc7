"""One exception family: every error the tool reports says where the fault is.

The CLI catches `JtaiError` in one place and prints `str(error)`; nothing else
reaches the user, so every message here is written for an OPCC officer, not a
Python programmer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from jtai_letters.checks.registry import RuleId, Severity, severity_of


@dataclass(frozen=True)
class Problem:
    """One located fault (or warning) in a spec: where it is and what was expected."""

    message: str
    path: Path | None = None
    line: int | None = None  # 1-based, as editors show it
    column: int | None = None  # 1-based
    field: str = ""  # dotted field path, e.g. response.recommendations[1].response
    rule: RuleId = "schema"  # registered in `checks.registry.RULES`, which gives the severity
    kind: Severity | None = None  # only for a rule registered as "varies": this problem's severity
    strict: bool = False  # a warning made an error by --strict (see `split`)

    def __post_init__(self) -> None:
        severity_of(self.rule, self.kind)  # an unregistered rule, or a severity the registry does not allow

    @property
    def severity(self) -> Severity:
        """ "error" or "warning": the rule's, as registered (or as this problem says, for a rule that varies)."""
        return "error" if self.strict else severity_of(self.rule, self.kind)

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else ""
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        parts = [
            where + ":" if where else "",
            "warning:" if self.severity == "warning" else "",
            f"{self.field}:" if self.field else "",
        ]
        return " ".join(p for p in [*parts, self.message] if p)


def split(problems: list[Problem], *, strict: bool = False) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of `problems`, in their order; with `strict`, every warning is an error
    (and says so: it prints as `error`, not `warning:`).

    The one place `--strict` is implemented: validate, render and batch all ask here.
    """
    if strict:
        return [p if p.severity == "error" else replace(p, strict=True) for p in problems], []
    return [p for p in problems if p.severity == "error"], [p for p in problems if p.severity == "warning"]


class JtaiError(Exception):
    """Base of every error jtai-letters reports; `str()` is the message to show."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = Problem(problems)
        self.problems: list[Problem] = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(JtaiError):
    """The spec file cannot be read, is not valid YAML, or does not match the schema."""


class TemplateError(JtaiError):
    """A layout template is missing, broken, or asked for data the spec lacks."""


class OutputError(JtaiError):
    """A letter could not be turned into DOCX or PDF, or written to disk."""


class UsageError(JtaiError):
    """The command line asked for something impossible (no such file, bad option)."""
