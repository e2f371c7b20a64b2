"""Checks that must hold before a cluster year leaves a stage.

Apps register their guards from `AppConfig.ready()`:

    register_exit_guard(Stage.SCORING, scores_locked)

A guard is `callable(cluster_year) -> error message or None`. Registering the same guard twice
keeps one. `clusters.services.stage_advance` runs the guards of the stage being left, then the
entry hooks of the stage entered (`register_entry_hook(Stage.SCORING, fn)`, `fn(cluster_year)`,
in the same transaction: e.g. tell every unit that its sheet waits).

A guard blocks; a warning (`register_exit_warning(Stage.REGISTRATION, fn)`, `fn(cluster_year) ->
clusters.confirm.Shortfall or None`) lets the year move on only with a reason (signatures missing,
units that never submitted): the year page lists them before the move, not after."""

from django.utils.translation import gettext as _

from .models import MemberRole, Stage

_EXIT_GUARDS: dict[str, list] = {stage.value: [] for stage in Stage}
_ENTRY_HOOKS: dict[str, list] = {stage.value: [] for stage in Stage}
_EXIT_WARNINGS: dict[str, list] = {stage.value: [] for stage in Stage}


def register_exit_warning(stage, check):
    checks = _EXIT_WARNINGS[Stage(stage).value]
    if check not in checks:
        checks.append(check)


def exit_warnings(cluster_year):
    """What leaving the year's stage now would leave behind (Shortfalls), for clusters.confirm."""
    return [s for check in _EXIT_WARNINGS[Stage(cluster_year.stage).value] if (s := check(cluster_year))]


def register_entry_hook(stage, hook):
    hooks = _ENTRY_HOOKS[Stage(stage).value]
    if hook not in hooks:
        hooks.append(hook)


def entered(cluster_year):
    for hook in _ENTRY_HOOKS[Stage(cluster_year.stage).value]:
        hook(cluster_year)


def register_exit_guard(stage, guard):
    guards = _EXIT_GUARDS[Stage(stage).value]
    if guard not in guards:
        guards.append(guard)


def exit_guards(stage):
    return tuple(_EXIT_GUARDS[Stage(stage).value])


def exit_problem(cluster_year):
    """The first reason the year cannot leave its stage, or None."""
    for guard in exit_guards(cluster_year.stage):
        problem = guard(cluster_year)
        if problem:
            return problem
    return None


def members_and_head_set(cluster_year):
    """Set-up is done when the year has at least two members and exactly one head."""
    roles = list(cluster_year.memberships.values_list("role", flat=True))
    if len(roles) < 2:
        return _("A cluster year needs at least two member units.")
    if roles.count(MemberRole.HEAD) != 1:
        return _("Assign exactly one head unit before moving on.")
    return None
