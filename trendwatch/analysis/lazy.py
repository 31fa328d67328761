"""Heavy optional imports, loaded on first use with an actionable error."""

from __future__ import annotations

from pathlib import Path

from trendwatch.config.env import process_default
from trendwatch.errors import AnalysisError


def umap_module():
    # numba caches compiled UMAP kernels; the default location may be read-only
    process_default("NUMBA_CACHE_DIR", str(Path("data") / ".numba-cache"))
    try:
        import umap
    except ImportError as exc:
        raise AnalysisError("umap-learn is not installed: pip install umap-learn") from exc
    return umap


def hdbscan_module():
    try:
        import hdbscan
    except ImportError as exc:
        raise AnalysisError("the hdbscan library is not installed: pip install hdbscan "
                            "(or set [analysis.extra] cluster_engine = \"sklearn\")") from exc
    return hdbscan
