"""Files written so that readers see the old one or the new one, never a part.

Every file the tool writes goes through `write_atomic`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jtai_letters.errors import OutputError, Problem


def write_atomic(targets: dict[Path, bytes]) -> None:
    """Write each file so readers see the old one or the new one, never a part.

    Every file is written and synced under a temporary name first; only then are
    they renamed into place, so a failure while writing leaves all old files.
    """
    staged: list[tuple[str, Path]] = []
    target = Path(".")
    try:
        for target, data in targets.items():
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
        while staged:
            tmp, target = staged[0]
            os.replace(tmp, target)
            staged.pop(0)
    except OSError as e:
        # A full disk reports no file name: name the letter being written.
        raise OutputError(Problem(f"cannot write: {e.strerror}", Path(e.filename) if e.filename else target)) from e
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
