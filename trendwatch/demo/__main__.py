"""`python -m trendwatch.demo`: run the offline demo (see ``run``)."""

import sys

from trendwatch.demo.run import run

sys.exit(run())
