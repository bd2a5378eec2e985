"""The registry: the plugin manager and everything the plugins register, built without Flask.

``load_registry(config)`` loads the built-in plugins (``DEFAULT_PLUGINS``), the installed ones (entry
point group ``ladder``) and any named in ``EXTRA_PLUGINS``, then calls each registration hook through
pluggy (``pm.hook.register_surveys(app=..., config=...)``), so a hookimpl may take fewer arguments,
hook wrappers see and may change the results, and ``TRACE_HOOKS`` logs every call.

A plugin that fails to import, misspells a hook or whose hook raises is reported and left out; the
call is then made again without it. A duplicate survey slug or question type stops start-up
(``PluginConflict``), because guessing which one wins would be worse; with ``strict=False`` (the
diagnostic commands such as ``ladder plugins``) the second plugin is reported as failed with the
conflict instead, and the conflict is kept in ``Registry.conflicts`` for the serving commands to stop
on. ``create_app`` attaches the registry to the app; analysis and command-line tools use it without one.
"""
from __future__ import annotations

import functools
import importlib
import logging
import traceback
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pluggy

from . import hookspecs
from .slugs import RULE, is_slug, look_alike

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ladder"
DEFAULT_PLUGINS = (
    "ladder.default_plugins.engine",
    "ladder.default_plugins.analysis",
    "ladder.commands.analysis",
    "ladder.default_plugins.instance_surveys",
)
# kind in the registry, the attribute that names an item; in the order they are collected:
# types and ladders first, because surveys are checked against them.
REGISTRATION_HOOKS = {
    "register_question_types": ("question_types", "name"),
    "register_ladders": ("ladders", "id"),
    "register_surveys": ("surveys", "slug"),
    "register_summaries": ("summaries", "name"),
    "register_exporters": ("exporters", "name"),
}
# Hooks that tell plugins something: a failure is logged and the other plugins still run.
NOTIFY_HOOKS = ("register_commands", "response_saved")


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


class Contribution(list):
    """What one plugin returned from a registration hook: a plain list that remembers its plugin."""

    def __init__(self, plugin: str, items):
        super().__init__(items or ())
        self.plugin = plugin


@dataclass
class Registry:
    """Everything the plugins registered, by name."""

    pm: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    config: MutableMapping[str, Any] = field(default_factory=dict)
    surveys: dict[str, Any] = field(default_factory=dict)
    ladders: dict[str, Any] = field(default_factory=dict)
    question_types: dict[str, Any] = field(default_factory=dict)
    summaries: dict[str, Any] = field(default_factory=dict)
    exporters: dict[str, Any] = field(default_factory=dict)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name) -> plugin
    # the PluginConflict messages a non-strict load reported instead of raising; empty when strict
    conflicts: list[str] = field(default_factory=list)

    def survey(self, slug: str):
        return self.surveys.get(slug)

    def ladder_of(self, survey):
        return self.ladders[survey.ladder]

    def type_of(self, question):
        return self.question_types[question.type]

    def area_question(self, survey):
        """The survey's first question whose type gives the response its area, or None."""
        return next((q for q in survey.questions if self.type_of(q).gives_area), None)

    def summaries_for(self, survey) -> dict[str, Any]:
        """The registered summaries that apply to ``survey``, by name."""
        return {name: s for name, s in self.summaries.items() if s.applies_to(survey)}

    def call(self, hook: str, **kwargs) -> list:
        """Call ``hook`` through pluggy; a plugin whose implementation raises is left out and reported."""
        return call_hook(self.pm, self.plugins, hook, **kwargs)

    def notify(self, hook: str, **kwargs) -> None:
        """Call a hook that tells plugins something (``response_saved``); failures are logged only."""
        getattr(self.pm.hook, hook)(**kwargs)


def load_registry(config: MutableMapping[str, Any] | Mapping[str, Any] | None = None, app=None,
                  strict: bool = True) -> Registry:
    """Load the plugins named by ``config`` and collect what they register.

    ``config`` holds ``DISABLED_PLUGINS``, ``EXTRA_PLUGINS`` and ``TRACE_HOOKS``; plugins' own
    ``config_defaults`` are added to it with ``setdefault``. ``app`` is the Flask app when the
    registry is built for one (hooks receive it as ``app``), None for analysis and tools.

    Two plugins registering the same name raise :class:`PluginConflict` when ``strict`` (serving);
    otherwise the second is marked failed with the conflict, left out, and the message is added to
    ``Registry.conflicts`` (``ladder plugins`` reports it).
    """
    config = config if isinstance(config, MutableMapping) else dict(config or {})
    pm = pluggy.PluginManager("ladder")
    pm.add_hookspecs(hookspecs)
    if config.get("TRACE_HOOKS"):
        # first line only: the call and its result, not the arguments (the config holds the secret key)
        pm.trace.root.setwriter(lambda message: log.info("hook %s", message.strip().splitlines()[0]))
        pm.enable_tracing()
    infos = _register_plugins(pm, set(config.get("DISABLED_PLUGINS") or ()), config.get("EXTRA_PLUGINS") or ())
    # A default plugin may bring plugins of its own: each survey file in the instance's survey folder is one, so
    # a broken file is reported and left out like a broken plugin (issue 14, default_plugins/instance_surveys.py).
    for module_name in DEFAULT_PLUGINS:
        for name, plugin in getattr(importlib.import_module(module_name), "file_plugins", lambda c, a: [])(config, app):
            _register(pm, plugin, name)
            infos[name] = PluginInfo(name=name, hooks=["register_surveys"])
    registry = Registry(pm=pm, plugins=infos, config=config)
    for contribution in registry.call("config_defaults", app=app, config=config):
        for defaults in contribution:
            for key, value in (defaults or {}).items():
                config.setdefault(key, value)
    _collect(registry, app, strict)
    return registry


def _register_plugins(pm, disabled, extra) -> dict[str, PluginInfo]:
    infos: dict[str, PluginInfo] = {}
    for module_name in DEFAULT_PLUGINS:
        _register(pm, importlib.import_module(module_name), module_name)
        infos[module_name] = PluginInfo(name=module_name, default=True)

    candidates = [(ep.name, ep.dist.version if ep.dist else None, ep.load)
                  for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)]
    # Modules named in EXTRA_PLUGINS load like installed ones: handy for a plugin under development.
    candidates += [(name, None, functools.partial(importlib.import_module, name)) for name in extra]
    for name, version, load in candidates:
        if name in disabled:
            infos[name] = PluginInfo(name=name, version=version, status="disabled")
            continue
        if name in infos:
            infos[name] = PluginInfo(name=name, version=version, status="failed",
                                     error="another plugin is installed under the same name")
            continue
        try:
            _register(pm, load(), name)
        except Exception as exc:  # any failure in third-party code leaves that plugin out
            _fail(infos, name, exc, "could not be loaded", version)
            continue
        infos[name] = PluginInfo(name=name, version=version)

    for name, plugin in pm.list_name_plugin():
        infos[name].hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    while True:  # a misspelt hook would silently never run: leave its plugin out, loudly
        try:
            pm.check_pending()
            break
        except pluggy.PluginValidationError as exc:
            _leave_out(pm, infos, pm.get_name(exc.plugin), exc, "name check")
    return infos


def _register(pm: pluggy.PluginManager, plugin, name: str) -> None:
    """Register ``plugin`` and mark what its implementations return or raise with its name.

    Registration hooks then return a :class:`Contribution` (a list, so hook wrappers see the
    usual list of lists), which lets conflicts name both plugins; an exception carries the plugin
    name, so the call can be made again without it. Wrappers are left as they are.
    """
    pm.register(plugin, name=name)
    for caller in pm.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not (impl.wrapper or impl.hookwrapper):
                impl.function = _marked(impl.function, name, caller.name)


def _marked(function, plugin: str, hook: str):
    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
        except Exception as exc:
            if hook in NOTIFY_HOOKS:
                log.exception("plugin %s failed in %s", plugin, hook)
                return None
            exc.ladder_plugin = plugin
            raise
        if hook in REGISTRATION_HOOKS or hook == "register_blueprints":
            return Contribution(plugin, result)
        if hook == "config_defaults":
            return Contribution(plugin, [result])
        return result
    return call


def call_hook(pm: pluggy.PluginManager, infos: dict[str, PluginInfo], hook: str, **kwargs) -> list:
    """Call ``hook`` through pluggy; when a plugin's implementation raises, leave it out and call again."""
    for _ in range(len(infos) + 1):
        try:
            return getattr(pm.hook, hook)(**kwargs)
        except Exception as exc:
            plugin = getattr(exc, "ladder_plugin", None)
            if plugin is None or plugin not in infos:
                raise  # not from a plugin's implementation: a bug to see, not to hide
            _leave_out(pm, infos, plugin, exc, hook)
    raise AssertionError("unreachable: every round leaves a plugin out")


def _fail(infos, name, exc, what, version=None):
    reason = f"{what}: {type(exc).__name__}: {exc}"
    log.error("plugin %s %s\n%s", name, reason, "".join(traceback.format_exception(exc)))
    old = infos.get(name)
    infos[name] = PluginInfo(name=name, version=old.version if old else version, status="failed", error=reason,
                             hooks=old.hooks if old else [], default=old.default if old else False)


def _leave_out(pm, infos, name, exc, hook):
    _fail(infos, name, exc, f"hook {hook} raised")
    if pm.get_plugin(name) is not None:
        pm.unregister(name=name)


def _collect(registry: Registry, app, strict: bool = True) -> None:
    """Call each registration hook and add the items, checking names and surveys."""
    results = {hook: registry.call(hook, app=app, config=registry.config) for hook in REGISTRATION_HOOKS}
    left = {name for name, info in registry.plugins.items() if info.status != "loaded"}
    for hook, (kind, key) in REGISTRATION_HOOKS.items():
        wrappers = _wrapper_plugins(registry.pm, hook)
        # pluggy calls the last registered plugin first: reversed, built-ins come first in messages
        for contribution in reversed(results[hook]):
            plugin = getattr(contribution, "plugin", wrappers)
            if plugin in left:
                continue
            for item in contribution:
                try:
                    _add(registry, kind, getattr(item, key), item, plugin)
                except PluginConflict as exc:
                    if strict:
                        raise
                    registry.conflicts.append(str(exc))
                    if plugin in registry.plugins:  # not a wrapper's addition: the second plugin is left out
                        _fail(registry.plugins, plugin, exc, "conflicts with another plugin")
                        if registry.pm.get_plugin(plugin) is not None:
                            registry.pm.unregister(name=plugin)
                        _remove_contributions(registry, plugin)
                        left.add(plugin)
                        break
    for slug, survey in list(registry.surveys.items()):
        problem = check_survey(survey, registry)
        if problem:
            name = registry.owners[("surveys", slug)]
            if name in registry.plugins:
                _leave_out(registry.pm, registry.plugins, name, ValueError(problem), "register_surveys")
            _remove_contributions(registry, name)


def _wrapper_plugins(pm, hook: str) -> str:
    """Who added items that no plugin's own implementation returned: the hook's wrappers."""
    names = [impl.plugin_name for impl in getattr(pm.hook, hook).get_hookimpls() if impl.wrapper or impl.hookwrapper]
    return ", ".join(names) or "?"


def check_survey(survey, registry: Registry) -> str | None:
    """Return why ``survey`` cannot run with the registered ladders and question types, or None."""
    from .survey_file import SurveyFileError, check_question

    if not is_slug(survey.slug):
        return f"survey {survey.slug!r}: slug: {RULE}"
    if survey.ladder not in registry.ladders:
        return f"survey {survey.slug!r} uses unknown ladder {survey.ladder!r}"
    offer = getattr(survey, "offer", None)
    for where, offered in ([("offer.rung", offer)] + [(f"offer.aspects.{a}.rung", o) for a, o in offer.aspects.items()]
                           if offer else []):
        if offered.rung not in registry.ladders[survey.ladder]:
            return f"{survey.source or survey.slug}: {where}: the ladder {survey.ladder!r} has no rung {offered.rung!r}"

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


def _add(registry: Registry, kind: str, name: str, item, plugin: str) -> None:
    table = getattr(registry, kind)
    similar = look_alike(name, table) if kind == "surveys" else None
    if similar is not None:
        other = registry.owners[(kind, similar)]
        raise PluginConflict(f"survey {name!r} of plugin {plugin!r} looks like survey {similar!r} of plugin "
                             f"{other!r}; give one of them another slug")
    if name in table:
        other = registry.owners[(kind, name)]
        raise PluginConflict(f"{kind[:-1].replace('_', ' ')} {name!r} is registered by both plugin "
                             f"{other!r} and plugin {plugin!r}; remove or disable one of them")
    table[name] = item
    registry.owners[(kind, name)] = plugin
