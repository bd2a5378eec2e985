"""Build the plugin manager for one app: load plugins, collect what they register, report failures.

Built-in features are plugins too (``DEFAULT_PLUGINS``), registered exactly like a municipality's.
A plugin that fails to import or whose registration hook raises is left out and reported; a
duplicate survey slug or question type stops start-up, because guessing which one wins would be worse.
"""
from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pluggy

from . import hookspecs

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ladder"
DEFAULT_PLUGINS = (
    "ladder.default_plugins.question_types",
    "ladder.default_plugins.ladders",
    "ladder.default_plugins.exporters",
    "ladder.default_plugins.summaries",
    "ladder.default_plugins.analysis_commands",
)
REGISTRATION_HOOKS = ("register_question_types", "register_ladders", "register_surveys",
                      "register_summaries", "register_exporters", "register_blueprints")


class PluginConflict(RuntimeError):
    """Two plugins register the same name; start-up stops."""


@dataclass
class PluginInfo:
    """What ``ladder plugins`` and ``/-/plugins.json`` report about one plugin."""

    name: str
    version: str | None = None
    hooks: list[str] = field(default_factory=list)
    status: str = "loaded"  # loaded, failed or disabled
    error: str | None = None
    default: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "hooks": self.hooks, "status": self.status,
                "error": self.error, "default": self.default}


@dataclass
class Registry:
    """Everything the plugins registered for one app."""

    pm: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    surveys: dict[str, Any] = field(default_factory=dict)
    ladders: dict[str, Any] = field(default_factory=dict)
    question_types: dict[str, Any] = field(default_factory=dict)
    summaries: dict[str, Any] = field(default_factory=dict)
    exporters: dict[str, Any] = field(default_factory=dict)
    blueprints: list[Any] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name) -> plugin

    def survey(self, slug: str):
        return self.surveys.get(slug)


def make_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("ladder")
    pm.add_hookspecs(hookspecs)
    return pm


def load_plugins(app, disabled: set[str] | frozenset[str] = frozenset(), extra: list[str] | tuple = ()) -> Registry:
    """Load default, installed and ``extra`` (module name) plugins and collect their registrations."""
    pm = make_plugin_manager()
    infos: dict[str, PluginInfo] = {}

    for module_name in DEFAULT_PLUGINS:
        module = importlib.import_module(module_name)
        pm.register(module, name=module_name)
        infos[module_name] = PluginInfo(name=module_name, version=None, default=True)

    candidates = [(ep.name, ep.dist.version if ep.dist else None, ep.load)
                  for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)]
    # Modules named in EXTRA_PLUGINS load like installed ones: handy for a plugin under development.
    candidates += [(name, None, lambda name=name: importlib.import_module(name)) for name in extra]
    for name, version, load in candidates:
        if name in disabled:
            infos[name] = PluginInfo(name=name, version=version, status="disabled")
            continue
        if name in infos:
            infos[name] = PluginInfo(name=name, version=version, status="failed",
                                     error="another plugin is installed under the same name")
            continue
        try:
            plugin = load()
            pm.register(plugin, name=name)
        except Exception as exc:  # any failure in third-party code leaves that plugin out
            _fail(infos, name, version, exc, "could not be loaded")
            continue
        infos[name] = PluginInfo(name=name, version=version)

    for name, plugin in list(pm.list_name_plugin()):
        if name in infos:
            infos[name].hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    _check_hook_names(pm, infos)

    _apply_config_defaults(app, pm, infos)
    registry = Registry(pm=pm, plugins=infos)
    _collect(app, registry)
    return registry


def _check_hook_names(pm, infos) -> None:
    """A misspelt hook would silently never run: report its plugin as failed and leave it out."""
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin)
            _leave_out(pm, infos, name, exc, "name check")


def _fail(infos, name, version, exc, what):
    reason = f"{what}: {type(exc).__name__}: {exc}"
    log.error("plugin %s %s\n%s", name, reason, "".join(traceback.format_exception(exc)))
    infos[name] = PluginInfo(name=name, version=version, status="failed", error=reason)


def _apply_config_defaults(app, pm, infos):
    for impl in reversed(pm.hook.config_defaults.get_hookimpls()):
        try:
            defaults = impl.function(app=app) or {}
        except Exception as exc:
            _leave_out(pm, infos, impl.plugin_name, exc, "config_defaults")
            continue
        for key, value in defaults.items():
            app.config.setdefault(key, value)


def _leave_out(pm, infos, name, exc, hook):
    info = infos[name]
    _fail(infos, name, info.version, exc, f"hook {hook} raised")
    infos[name].hooks = info.hooks
    infos[name].default = info.default
    pm.unregister(name=name)


def _collect(app, registry: Registry) -> None:
    """Call each registration hook per plugin, so a failure or a conflict is blamed on the right one."""
    pm, infos = registry.pm, registry.plugins
    gathered: dict[str, dict[str, list]] = {}
    for hook in REGISTRATION_HOOKS:
        for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):  # registration order
            name = impl.plugin_name
            if infos[name].status != "loaded":
                continue
            try:
                items = list(impl.function(app=app) or [])
            except Exception as exc:
                _leave_out(pm, infos, name, exc, hook)
                gathered.pop(name, None)
                continue
            gathered.setdefault(name, {}).setdefault(hook, []).extend(items)

    for hook in REGISTRATION_HOOKS:  # types and ladders first: surveys are checked against them
        for name in infos:  # in load order: built-ins first, so messages name them first
            for item in gathered.get(name, {}).get(hook, []):
                _add(registry, hook, item, name)
    for slug, survey in list(registry.surveys.items()):
        problem = check_survey(survey, registry)
        if problem:
            name = registry.owners[("surveys", slug)]
            _leave_out(pm, infos, name, ValueError(problem), "register_surveys")
            _remove_contributions(registry, name)


def check_survey(survey, registry: Registry) -> str | None:
    """Return why ``survey`` cannot run with the registered ladders and question types, or None."""
    from .survey_file import SurveyFileError, check_question

    if survey.ladder not in registry.ladders:
        return f"survey {survey.slug!r} uses unknown ladder {survey.ladder!r}"

    def fail(key, reason):
        raise SurveyFileError(survey.source or survey.slug, key, reason)

    try:
        for page in survey.pages:
            for question in page.questions:
                check_question(question, survey.areas, registry.question_types,
                               f"pages.{page.id}.questions.{question.id}", fail)
    except SurveyFileError as exc:
        return str(exc)
    return None


def _remove_contributions(registry: Registry, plugin: str) -> None:
    for (kind, name), owner in list(registry.owners.items()):
        if owner == plugin:
            getattr(registry, kind).pop(name, None)
            del registry.owners[(kind, name)]


def _add(registry: Registry, hook: str, item, plugin: str) -> None:
    if hook == "register_blueprints":
        registry.blueprints.append(item)
        return
    kind, key = {
        "register_question_types": ("question_types", "name"),
        "register_ladders": ("ladders", "id"),
        "register_surveys": ("surveys", "slug"),
        "register_summaries": ("summaries", "name"),
        "register_exporters": ("exporters", "name"),
    }[hook]
    name = getattr(item, key)
    table = getattr(registry, kind)
    if name in table:
        other = registry.owners[(kind, name)]
        raise PluginConflict(f"{kind[:-1].replace('_', ' ')} {name!r} is registered by both plugin "
                             f"{other!r} and plugin {plugin!r}; remove or disable one of them")
    table[name] = item
    registry.owners[(kind, name)] = plugin
