"""jtai-letters: Police and Crime Commissioners' s55 responses to inspection reports, as DOCX and PDF.

spec = load_spec("responses/loamshire-2025-domestic-abuse.yaml")
letter = render(spec)   # semantic HTML; writes nothing
build("responses/loamshire-2025-domestic-abuse.yaml", "out/")   # validate, render, write both formats
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jtai-letters")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

# Importing changes nothing in the host's process (its collector, Pillow's or logging's settings):
# the command line opts in to what suits a process of its own (see `cli.main`).
from jtai_letters.errors import JtaiError, OutputError, SpecError, TemplateError, UsageError
from jtai_letters.letter.render import RenderedLetter, render
from jtai_letters.pipeline.build import Options, build, build_many, check, validate
from jtai_letters.pipeline.inspect import Inspection, inspect
from jtai_letters.spec.load import load_spec
from jtai_letters.spec.models import ResponseSpec

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
    "check",
    "inspect",
    "load_spec",
    "render",
    "validate",
]
