"""Document kinds: how to render each and who may read it.

An app registers its kinds from `AppConfig.ready()`:

    register_kind("pledge", render=render_pledge, can_view=can_view, can_request=can_request)

`render(document, progress) -> (pdf_bytes, filename)`; `can_view(user, document) -> bool` decides
who may read a document; `can_request(user, document) -> bool` who may ask for a (new) render
(`documents.services.document_request`): only the roles that produce the document, since a render
costs a worker's time and replaces the file everyone reads.
Registering the same kind again with the same functions keeps one; another pair of functions
under a name already taken is a programming error."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Kind:
    render: Callable
    can_view: Callable
    can_request: Callable


_KINDS: dict[str, Kind] = {}


def register_kind(kind, *, render, can_view, can_request):
    new = Kind(render=render, can_view=can_view, can_request=can_request)
    old = _KINDS.setdefault(kind, new)
    if old != new:
        raise ImproperlyConfigured(f"document kind {kind!r} is already registered with other functions")


def is_registered(kind):
    return kind in _KINDS


def get(kind):
    return _KINDS[kind]
