"""`python -m jtai_letters`."""

import sys

from jtai_letters.cli import main

sys.exit(main())
