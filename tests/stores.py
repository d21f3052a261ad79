"""The stores the tests run on: the rdflib reference always, Oxigraph when the ``fast`` extra is
installed."""

from __future__ import annotations

import importlib.util

__all__ = ["HAVE_OXIGRAPH", "STORES"]

HAVE_OXIGRAPH = importlib.util.find_spec("pyoxigraph") is not None
STORES = ["rdflib", "oxigraph"] if HAVE_OXIGRAPH else ["rdflib"]
