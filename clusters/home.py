"""What a person must do next: other apps add providers, the home page lists their items.

A provider is `callable(user, cluster_year) -> list[Todo]`; it must not query per item."""

from dataclasses import dataclass


@dataclass
class Todo:
    text: str
    url: str
    deadline: object = None


TODO_PROVIDERS = []


def todos_for(user, cluster_year):
    items = []
    for provider in TODO_PROVIDERS:
        items.extend(provider(user, cluster_year))
    return items


# Links from a year's page to its work areas (registration, scores, pledge, polls, …):
# `callable(user, cluster_year) -> list[(label, url)]`, registered by each app.
YEAR_LINK_PROVIDERS = []


def links_for(user, cluster_year):
    links = []
    for provider in YEAR_LINK_PROVIDERS:
        links.extend(provider(user, cluster_year))
    return links
