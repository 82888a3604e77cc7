"""jtai-letters: Police and Crime Commissioners' s55 responses to inspection reports, as DOCX and PDF.

spec = load_spec("responses/loamshire-2025-domestic-abuse.yaml")
letter = render(spec)   # semantic HTML; writes nothing
build("responses/loamshire-2025-domestic-abuse.yaml", "out/")   # validate, render, write both formats
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Importing changes nothing in the host's process (its collector, Pillow's or logging's settings),
# and costs nothing until a name is used: each is imported from its layer on first use. The command
# line opts in to what suits a process of its own (see `__main__` and `process.own_process`).
_API = {
    "JtaiError": "jtai_letters.errors",
    "OutputError": "jtai_letters.errors",
    "SpecError": "jtai_letters.errors",
    "TemplateError": "jtai_letters.errors",
    "UsageError": "jtai_letters.errors",
    "RenderedLetter": "jtai_letters.letter.render",
    "render": "jtai_letters.letter.render",
    "Options": "jtai_letters.pipeline.options",
    "build": "jtai_letters.pipeline.build",
    "build_many": "jtai_letters.pipeline.build",
    "validate": "jtai_letters.pipeline.build",
    "Inspection": "jtai_letters.pipeline.inspect",
    "inspect": "jtai_letters.pipeline.inspect",
    "load_spec": "jtai_letters.spec.load",
    "ResponseSpec": "jtai_letters.spec.models",
}

if TYPE_CHECKING:
    __version__: str
    from jtai_letters.errors import JtaiError, OutputError, SpecError, TemplateError, UsageError
    from jtai_letters.letter.render import RenderedLetter, render
    from jtai_letters.pipeline.build import build, build_many, validate
    from jtai_letters.pipeline.inspect import Inspection, inspect
    from jtai_letters.pipeline.options import Options
    from jtai_letters.spec.load import load_spec
    from jtai_letters.spec.models import ResponseSpec


def _version() -> str:
    # Looked up on first use: finding the installed package's metadata is a scan of sys.path, and
    # most commands never print the version.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jtai-letters")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    if name in _API:
        value = getattr(import_module(_API[name]), name)
        globals()[name] = value  # once: later uses are plain attribute lookups
        return value
    raise AttributeError(f"module 'jtai_letters' has no attribute {name!r}")


__all__ = [
    "Inspection",
    "JtaiError",
    "Options",
    "OutputError",
    "RenderedLetter",
    "ResponseSpec",
    "SpecError",
    "TemplateError",
    "UsageError",
    "__version__",
    "build",
    "build_many",
    "inspect",
    "load_spec",
    "render",
    "validate",
]
