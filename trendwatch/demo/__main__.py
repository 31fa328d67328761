"""`python -m trendwatch.demo`: run the offline demo (see ``run``)."""

import sys

from .run import run

sys.exit(run())
