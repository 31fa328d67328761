"""trendwatch: what is emerging in your industry, and what to post about it."""

__version__ = "0.1.0"
