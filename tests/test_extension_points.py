"""Extension points: one way to register (idempotent register_* functions, called from
AppConfig.ready()), and nothing registered as a side effect of importing a module."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from awards import documents as award_documents
from awards.selectors import voting_unfinished
from clusters import home, stages
from clusters.models import Stage
from documents import registry
from emulation.pledges import services as pledge_services
from emulation.pledges.selectors import unsigned_shortfall
from emulation.scoring.services import scores_locked_guard

ROOT = Path(__file__).resolve().parent.parent
REGISTER_FUNCTIONS = {
    "register_kind",
    "register_exit_guard",
    "register_todo_provider",
    "register_year_link_provider",
    "register_exit_warning",
    "register_home_panel",
}


def _state():
    return (
        {stage: stages.exit_guards(stage) for stage in Stage},
        tuple(home._TODO_PROVIDERS),
        tuple(home._YEAR_LINK_PROVIDERS),
        tuple(home._HOME_PANELS),
        {stage: tuple(stages._EXIT_WARNINGS[stage.value]) for stage in Stage},
        dict(registry._KINDS),
    )


def test_every_app_registers_its_guards_from_ready():
    assert stages.exit_guards(Stage.SETUP) == (stages.members_and_head_set,)
    assert stages.exit_guards(Stage.REGISTRATION) == (pledge_services.STAGE_GUARD,)
    assert stages.exit_guards(Stage.SCORING) == (scores_locked_guard,)
    assert stages.exit_guards(Stage.VOTING) == (voting_unfinished,)
    assert stages.exit_guards(Stage.DOSSIER) == ()
    # what leaving registration would leave behind (signatures missing) asks for a reason
    assert stages._EXIT_WARNINGS[Stage.REGISTRATION.value] == [unsigned_shortfall]


def test_every_document_kind_is_registered():
    kinds = set(registry._KINDS)
    assert {"member_list", "scoring_ranking", "yearend_summary", award_documents.MINUTES} <= kinds
    assert {pledge_services.KIND, pledge_services.SIGNED_KIND, award_documents.COVER} <= kinds


def test_running_every_ready_again_registers_nothing_twice():
    before = _state()
    for config in apps.get_app_configs():
        config.ready()
    assert _state() == before


def test_registering_a_provider_twice_keeps_one():
    def provider(user, cluster_year):
        return []

    try:
        home.register_todo_provider(provider)
        home.register_todo_provider(provider)
        home.register_year_link_provider(provider)
        home.register_year_link_provider(provider)
        assert home._TODO_PROVIDERS.count(provider) == 1
        assert home._YEAR_LINK_PROVIDERS.count(provider) == 1
    finally:
        home._TODO_PROVIDERS.remove(provider)
        home._YEAR_LINK_PROVIDERS.remove(provider)


def test_registering_an_exit_guard_twice_keeps_one():
    def guard(cluster_year):
        return None

    try:
        stages.register_exit_guard(Stage.DOSSIER, guard)
        stages.register_exit_guard("dossier", guard)
        assert stages.exit_guards(Stage.DOSSIER) == (guard,)
    finally:
        stages._EXIT_GUARDS[Stage.DOSSIER.value].remove(guard)


def test_an_exit_guard_for_an_unknown_stage_is_refused():
    with pytest.raises(ValueError):
        stages.register_exit_guard("nap", lambda cluster_year: None)


def test_a_document_kind_registered_again_with_the_same_functions_is_kept_once():
    kind = registry.get("member_list")
    registry.register_kind(
        "member_list", render=kind.render, can_view=kind.can_view, can_request=kind.can_request
    )
    assert registry.get("member_list") is kind


def test_a_document_kind_name_taken_by_other_functions_is_a_configuration_error():
    kind = registry.get("member_list")
    with pytest.raises(ImproperlyConfigured):
        registry.register_kind(
            "member_list",
            render=lambda document, progress: None,
            can_view=kind.can_view,
            can_request=kind.can_request,
        )
    assert registry.get("member_list") is kind


def _register_calls_outside_ready(source, name):
    """Calls of a register_* function anywhere but inside an AppConfig.ready() method."""
    tree = ast.parse(source)
    inside_ready = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            inside_ready.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and id(node) not in inside_ready:
            func = node.func
            func_name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if func_name in REGISTER_FUNCTIONS:
                found.append(f"{name}:{node.lineno} {func_name}")
    return found


def test_nothing_registers_at_import_time():
    found = []
    for package in ("clusters", "documents", "emulation", "awards", "yearend"):
        for path in (ROOT / package).rglob("*.py"):
            found += _register_calls_outside_ready(path.read_text(), str(path.relative_to(ROOT)))
    assert found == []


def test_the_check_finds_a_registration_at_import_time():
    source = (
        "from clusters.home import register_todo_provider\n"
        "register_todo_provider(print)\n"
        "class Config:\n"
        "    def ready(self):\n"
        "        register_todo_provider(print)\n"
    )
    assert _register_calls_outside_ready(source, "mod.py") == ["mod.py:2 register_todo_provider"]
