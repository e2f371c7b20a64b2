"""What a person must do next, and where a year's work areas are: other apps add providers.

Apps register from `AppConfig.ready()` (registering the same provider twice keeps one):

- `register_todo_provider(fn, for_years=None)`: `fn(user, cluster_year) -> list[Todo]`, listed on
  the home page; `for_years(user, cluster_years) -> {cluster year id: list[Todo]}`, when given,
  answers for every year the home page shows at once (its queries then do not grow with the
  years shown);
- `register_year_link_provider(fn)`: `fn(user, cluster_year) -> list[(label, url)]`, the links
  from a year's page to its registration, scores, pledge, polls, …;
- `register_home_panel(fn, order=10)`: `fn(request) -> HTML or None`, shown at the top of the
  home page (the ballots waiting for the person, the province admin's dashboard).

A provider must not query per item."""

from dataclasses import dataclass


@dataclass
class Todo:
    text: str
    url: str
    deadline: object = None


_TODO_PROVIDERS = []
_TODO_FOR_YEARS = {}  # provider -> its for_years
_YEAR_LINK_PROVIDERS = []
_HOME_PANELS = []


def _register(providers, fn):
    if fn not in providers:
        providers.append(fn)


def register_todo_provider(fn, for_years=None):
    _register(_TODO_PROVIDERS, fn)
    if for_years is not None:
        _TODO_FOR_YEARS[fn] = for_years


def register_year_link_provider(fn):
    _register(_YEAR_LINK_PROVIDERS, fn)


def register_home_panel(fn, order=10):
    """Panels show by `order` (what waits for the person first, overviews after)."""
    if fn not in [f for _o, f in _HOME_PANELS]:
        _HOME_PANELS.append((order, fn))
        _HOME_PANELS.sort(key=lambda item: item[0])


def home_panels(request):
    return [html for _order, fn in _HOME_PANELS if (html := fn(request))]


def todos_for(user, cluster_year):
    items = []
    for provider in _TODO_PROVIDERS:
        items.extend(provider(user, cluster_year))
    return items


def todos_by_year(user, cluster_years):
    """{cluster year id: [Todo]} for several years (the home page), each provider's items in
    provider order; a provider with `for_years` is asked once for all of them."""
    items = {cy.pk: [] for cy in cluster_years}
    for provider in _TODO_PROVIDERS:
        for_years = _TODO_FOR_YEARS.get(provider)
        if for_years is not None:
            found = for_years(user, cluster_years)
            for cy in cluster_years:
                items[cy.pk].extend(found.get(cy.pk, ()))
        else:
            for cy in cluster_years:
                items[cy.pk].extend(provider(user, cy))
    return items


def links_for(user, cluster_year):
    links = []
    for provider in _YEAR_LINK_PROVIDERS:
        links.extend(provider(user, cluster_year))
    return links
