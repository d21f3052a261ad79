"""The static evidence map: ``build_site(graph, folder, sources=None)`` writes plain HTML, CSS
and a little JavaScript, all inside ``folder``, byte-identical on every build.

Nothing is imported until used, so that the command line starts fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["SiteSummary", "build_site", "render_site"]

if TYPE_CHECKING:
    from .build import SiteSummary, build_site, render_site


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module 'policygraph.site' has no attribute {name!r}")
