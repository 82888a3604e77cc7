"""`python -m jtai_letters`."""

import sys

from .cli import main

sys.exit(main())
