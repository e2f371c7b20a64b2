"""Document kinds: how to render each and who may read it.

An app registers a kind once (in its AppConfig.ready or module import):

    @register("pledge", can_view=lambda user, document: ...)
    def render_pledge(document, progress):  # -> (pdf_bytes, filename)
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    render: Callable
    can_view: Callable


KINDS: dict[str, Kind] = {}


def register(kind, *, can_view):
    def decorator(render):
        KINDS[kind] = Kind(render=render, can_view=can_view)
        return render

    return decorator


def get(kind):
    return KINDS[kind]
