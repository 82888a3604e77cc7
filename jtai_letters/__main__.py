"""`python -m jtai_letters`, and the `jtai-letters` command: a process of jtai-letters' own.

Its imports are made with the cyclic collector off, then frozen out of its sight (`process.own_process`):
what the command line imports lives as long as the process.
"""

import gc
import sys


def run() -> int:
    """The command line, as the program: the process is ours to tune."""
    from jtai_letters.process import own_process

    with own_process():
        from jtai_letters.cli import main
    code = main()
    # The process ends here: what it made is the system's to reclaim, not the collector's to walk once
    # more at exit (0.13 s after a register of 1,000 specs).
    gc.freeze()
    return code


if __name__ == "__main__":  # not when a tool (pytest's doctests) imports it
    sys.exit(run())
