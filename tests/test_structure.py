"""The shape of the package: no import cycle, layers that import only downwards, one switch on types."""
import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "ladder"

ENGINE = {"ladder.survey", "ladder.conditions", "ladder.question_types", "ladder.answers", "ladder.placing",
          "ladder.ladders", "ladder.text", "ladder.messages", "ladder.survey_file", "ladder.answers_schema",
          "ladder.lint"}
WEB = ("flask", "flask_babel", "flask_login", "flask_wtf", "flask_talisman", "werkzeug", "ladder.web",
       "ladder.app", "ladder.i18n", "ladder.commands")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function; ``if TYPE_CHECKING:`` blocks excepted."""
    name = module_name(path)
    return set(_imports(name if path.name == "__init__.py" else name.rsplit(".", 1)[0], path.read_text()))


@functools.cache  # the structure tests read the same 130 modules several hundred times: parse each text once
def _imports(package: str, source: str) -> frozenset[str]:
    tree = ast.parse(source)
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}  # "from . import db" imports ladder.db
    return frozenset(found)


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_import_graph_walks_relative_and_function_level_imports():
    edges = graph()
    assert "ladder.plugins" in edges["ladder.app"]
    assert "ladder.analysis.frame" in edges["ladder.analysis.exporters"]  # from .frame import ...
    assert "ladder.registry" in edges["ladder.web.filters"]  # inside a function


def test_the_package_has_no_import_cycle():
    assert cycles(graph()) == []


def test_the_engine_imports_nothing_from_flask_or_the_web_layer():
    edges = {name: imports_of(PACKAGE.parent / (name.replace(".", "/") + ".py")) for name in ENGINE}
    for name, imported in edges.items():
        bad = sorted(m for m in imported if m.startswith(WEB) or m.startswith(("ladder.analysis", "ladder.models")))
        assert not bad, f"{name} imports {bad}"


def test_analysis_imports_neither_the_app_nor_the_default_plugins_nor_the_web_layer():
    for path in (PACKAGE / "analysis").glob("*.py"):
        bad = sorted(m for m in imports_of(path) if m.startswith(WEB) or m.startswith("ladder.default_plugins"))
        assert not bad, f"{module_name(path)} imports {bad}"


def test_the_registry_imports_no_layer_above_the_engine():
    bad = sorted(m for m in imports_of(PACKAGE / "plugins.py")
                 if m.startswith(WEB) or m.startswith(("ladder.analysis", "ladder.default_plugins")))
    assert not bad


TYPE_SWITCH = re.compile(r"""\.type\s*(==|!=|\bin\b|\bnot in\b)\s*[("'\[]""")


def _type_mappings(source: str, names: set[str]) -> list[int]:
    """Lines of Python ``source`` that decide by a question type's name or shape: a table keyed by type
    names (two or more), a comparison of something called ``type`` with a type name, a ``hasattr`` check
    on a type. Such a rule belongs in the type's class (a method with a default on QuestionType)."""
    found = []

    def named(node):
        return isinstance(node, ast.Constant) and node.value in names or \
            isinstance(node, ast.Tuple | ast.List | ast.Set) and any(named(e) for e in node.elts)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            if len({k.value for k in node.keys if isinstance(k, ast.Constant)} & names) >= 2:
                found.append(node.lineno)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(named(n) for n in sides) and any("type" in ast.unparse(n) for n in sides if not named(n)):
                found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr" \
                and node.args and "type" in ast.unparse(node.args[0]):
            found.append(node.lineno)
    return sorted(set(found))


def test_no_switch_on_question_type_names_outside_the_types():
    from ladder.question_types import BUILTIN_TYPES
    names = {t.name for t in BUILTIN_TYPES}
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]:
        if path.name == "question_types.py":
            continue
        text = path.read_text()
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            if TYPE_SWITCH.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
        if path.suffix == ".py":
            offenders += [f"{path.relative_to(PACKAGE)}:{n}: {lines[n - 1].strip()}" for n in _type_mappings(text, names)]
    assert offenders == []


def test_the_type_switch_pattern_catches_what_it_should():
    assert TYPE_SWITCH.search('if q.type == "ranking":')
    assert TYPE_SWITCH.search("{% if q.type in ('single_choice', 'scale') %}")
    assert not TYPE_SWITCH.search("qtype = registry.type_of(q)")


def test_the_type_mapping_check_catches_what_it_should():
    names = {"single_choice", "multiple_choice", "area", "number", "short_text", "long_text"}
    # what paper.py and xlsform.py did before the types owned their paper layout and XLSForm mapping
    assert _type_mappings('LAYOUTS = {"single_choice": "one", "multiple_choice": "many"}', names) == [1]
    assert _type_mappings('offered = qtype.offered(q) if hasattr(qtype, "offered") else areas', names) == [1]
    assert _type_mappings('if qtype == "area":\n    pass\nelif qtype in ("short_text", "long_text"):\n    pass',
                          names) == [1, 3]
    assert _type_mappings('if q["type"] == "number":\n    pass', names) == [1]
    assert _type_mappings('row = {"area": code, "respondents": n}\nif kind == "number":\n    pass', names) == []


def test_importing_ladder_stays_light():
    code = ("import sys, ladder; heavy = [m for m in ('flask', 'flask_talisman', 'pandas', 'matplotlib', 'sqlalchemy')"
            " if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_one_module_per_word():
    names = [p.stem for p in PACKAGE.rglob("*.py") if p.stem != "__init__"]
    for word in ("summaries", "exporters", "question_types"):
        assert names.count(word) == 1, (word, sorted(str(p) for p in PACKAGE.rglob(f"{word}.py")))


# --- one place per rule: skip-logic operators (issue 22) ---------------------------------------------------
def _operator_uses(source: str, names: set[str]) -> list[int]:
    """Lines of Python ``source`` that compare with an operator name, match on one, or spell a condition
    or a table keyed by operator names: the rules of an operator written outside conditions.OPERATORS."""
    found = []

    def named(node):
        if isinstance(node, ast.Constant) and node.value in names:
            return True
        return isinstance(node, ast.Tuple | ast.List | ast.Set) and any(named(e) for e in node.elts)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(named(n) for n in [node.left, *node.comparators]):
            found.append(node.lineno)
        elif isinstance(node, ast.MatchValue) and named(node.value):
            found.append(node.lineno)
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            if ("question" in keys and set(keys) & names) or len(set(keys) & names) >= 3:
                found.append(node.lineno)
    return found


JS_OPERATOR = r"""(case\s*|===?\s*|!==?\s*|\[)["']({names})["']|["']({names})["']\s*:"""


def test_no_operator_name_is_compared_outside_the_operator_table():
    from ladder.conditions import OPERATORS
    names = set(OPERATORS)
    js = re.compile(JS_OPERATOR.format(names="|".join(map(re.escape, names))))
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name != "conditions.py":
            text = path.read_text()
            offenders += [f"{path.relative_to(PACKAGE)}:{n}: {text.splitlines()[n - 1].strip()}"
                          for n in _operator_uses(text, names)]
    for path in [*PACKAGE.rglob("*.js"), *PACKAGE.rglob("*.html")]:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if js.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_operator_check_catches_what_it_should():
    names = {"equals", "in", "min", "max", "contains"}
    assert _operator_uses('if op == "equals":\n    pass', names) == [1]
    assert _operator_uses('ok = "min" in condition', names) == [1]
    assert _operator_uses('ok = op in ("min", "max")', names) == [1]
    assert _operator_uses('match op:\n    case "contains":\n        pass', names) == [2]
    assert _operator_uses('c = {"question": q, "equals": v}', names) == [1]
    assert _operator_uses('schema = {"equals": 1, "in": 2, "min": 3}', names) == [1]
    assert _operator_uses('options = {"min": 1, "max": 5}\nparam = {"name": "slug", "in": "path"}', names) == []
    js = re.compile(JS_OPERATOR.format(names="equals|min"))
    assert js.search('case "equals": return x;') and js.search('if (op === "min")') and js.search("{'min': 1}")
    assert not js.search('var minimum = 1; // equals')


def test_the_browser_script_implements_exactly_the_relations_of_the_table():
    from ladder.conditions import RELATIONS
    script = (PACKAGE / "static" / "conditional.js").read_text()
    body = script[script.index("function relation("):script.index("function holds(")]
    assert set(re.findall(r'case "(\w+)"', body)) == set(RELATIONS)


# --- one way to reach the registry (issue 22) ---------------------------------------------------------------
REGISTRY_NAMES = {"registry", "registry_for", "plugin_registry", "attach"}


def _registry_reaches(source: str, module: str, package: str | None = None) -> list[int]:
    """Lines of Python ``source`` (module ``module``) that reach the app's registry other than through
    ``ladder.registry``: ``app.extensions["ladder"]``, a registry function defined or imported elsewhere."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "ladder" \
                and ast.unparse(node.value).endswith("extensions"):
            found.append(node.lineno)
        elif isinstance(node, ast.FunctionDef) and node.name in REGISTRY_NAMES and module != "ladder.registry" \
                and node.col_offset == 0:
            found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and {a.name for a in node.names} & REGISTRY_NAMES:
            package = package or module.rsplit(".", 1)[0]
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            if target != "ladder.registry" and not (target == "ladder" and "registry" in {a.name for a in node.names}):
                found.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in {"registry", "registry_for"} \
                and ast.unparse(node.value).endswith("views"):
            found.append(node.lineno)
    return found


def test_the_registry_is_reached_one_way():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        text = path.read_text()
        offenders += [f"{path.relative_to(PACKAGE)}:{n}: {text.splitlines()[n - 1].strip()}"
                      for n in _registry_reaches(text, name, name if path.name == "__init__.py" else None)
                      if name != "ladder.registry"]
    assert offenders == []


def test_the_registry_check_catches_what_it_should():
    assert _registry_reaches('reg = current_app.extensions["ladder"]', "ladder.x") == [1]
    assert _registry_reaches('from .views import registry', "ladder.commands.survey") == [1]
    assert _registry_reaches('from . import registry', "ladder.web.views.api") == [1]
    assert _registry_reaches('reg = views.registry()', "ladder.x") == [1]
    assert _registry_reaches('def registry():\n    pass', "ladder.web.views") == [1]
    assert _registry_reaches("from ..registry import registry\nfrom .. import registry as r", "ladder.publication.build") == []
    assert _registry_reaches('db = current_app.extensions["ladder.db"]', "ladder.x") == []


# --- the web layer in one package (issue 22) ----------------------------------------------------------------
TOP = ("ladder.web", "ladder.app", "ladder.wsgi", "ladder.__main__", "ladder.commands", "ladder.commands")


def test_nothing_below_the_web_layer_imports_it():
    """Pages, forms, sign-in, filters and security headers live in ladder.web; only the app puts it together."""
    bad = sorted(f"{name} imports {m}" for name, imported in graph().items() if not name.startswith(TOP)
                 for m in imported if m == "ladder.web" or m.startswith("ladder.web."))
    assert bad == []


def test_the_commands_import_nothing_of_the_web_layer():
    """What a page and a command both do lives below the web layer (accounts, exports, the publication)."""
    bad = sorted(f"{name} imports {m}" for name, imported in graph().items()
                 if name.startswith(("ladder.commands", "ladder.default_plugins"))
                 for m in imported if m == "ladder.web" or m.startswith("ladder.web."))
    assert bad == []


def test_the_web_layer_is_one_package():
    """No module of the web layer's kind at the package root: a blueprint, a form, a Flask-Login manager."""
    bad = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        if name.startswith(TOP):
            continue
        text = path.read_text()
        if re.search(r"^\s*(from flask_wtf import|.*\bLoginManager\(|.*\bBlueprint\()", text, re.M):
            bad.append(name)
    assert bad == []


# --- the layers of docs/architecture.rst, and its picture ----------------------------------------------------
def _architecture():
    import importlib.util
    spec = importlib.util.spec_from_file_location("architecture", PACKAGE.parent / "docs" / "architecture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_runs_up_the_layers_of_the_architecture_page():
    architecture = _architecture()
    paths = {architecture.module_name(p): p for p in PACKAGE.rglob("*.py") if "{{" not in str(p)}
    paths.pop("ladder")  # the package face hands plugins their names
    upward = sorted(f"{m} ({architecture.LAYERS[architecture.layer_of(m)][0]}) imports {i} "
                    f"({architecture.LAYERS[architecture.layer_of(i)][0]})"
                    for m, p in paths.items() for i in architecture.imports_of(p, set(paths))
                    if architecture.layer_of(i) < architecture.layer_of(m))
    assert upward == []


def test_the_architecture_picture_is_drawn_from_the_code_as_it_is():
    """docs/architecture.svg is made by docs/architecture.py; run it after moving a module."""
    assert _architecture().main(["--check"]) == 0, "run: python docs/architecture.py"
