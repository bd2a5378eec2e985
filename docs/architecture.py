"""Draw docs/architecture.svg, ladder's layers and the imports between them, from the code's own imports.

    python docs/architecture.py          # writes docs/architecture.svg
    python docs/architecture.py --check  # exits 1 when the picture is out of date (tests/test_structure.py)

Each module belongs to the first layer whose prefixes match its name (``LAYERS``, top to bottom); an arrow is
drawn for each pair of layers that import each other, with the number of imports. An import that runs upwards
is drawn in red: tests/test_structure.py keeps there being none.
"""
from __future__ import annotations

import ast
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ladder"
OUT = Path(__file__).with_name("architecture.svg")

# top to bottom; a module's layer is the first whose prefix matches (a prefix ending in "." matches a package)
LAYERS = [
    ("app and commands", "create_app, the ladder program and its commands", (
        "ladder.app", "ladder.wsgi", "ladder.__main__", "ladder.commands", "ladder.new_plugin", "ladder.testing")),
    ("web", "pages, forms, sign-in, filters, security headers", ("ladder.web",)),
    ("analysis and publication", "frames, summaries, exports, weights; the one publication; paper", (
        "ladder.analysis", "ladder.publication", "ladder.paper", "ladder.plan_text", "ladder.outcomes",
        "ladder.default_plugins.analysis")),
    ("storage", "models, database, migrations, what writes them; the app's registry", (
        "ladder.models", "ladder.db", "ladder.migrate", "ladder.migrations", "ladder.audit", "ladder.stored_surveys",
        "ladder.lifecycle", "ladder.invites", "ladder.drafts", "ladder.submit", "ladder.withdrawal",
        "ladder.retention", "ladder.plans", "ladder.report_back", "ladder.mfa", "ladder.throttle",
        "ladder.survey_editing", "ladder.dashboard", "ladder.register", "ladder.i18n", "ladder.config",
        "ladder.accessibility", "ladder.metrics", "ladder.codes", "ladder.serialize", "ladder.registry",
        "ladder.accounts")),
    ("plugins", "load_registry: the plugin manager, the hooks, the built-in plugins", (
        "ladder.plugins", "ladder.hookspecs", "ladder.default_plugins")),
    ("engine", "surveys, conditions, question types, answers, placing, ladders; XLSForm", ("ladder",)),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}
    return {m for m in found if m in modules and m != name}


def layer_of(module: str) -> int:
    for i, (_, _, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise ValueError(module)


def measure():
    # the package face (ladder/__init__.py) only hands plugins their names: it is no layer's
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py") if "{{" not in str(p) and module_name(p) != "ladder"}
    members: dict[int, list[str]] = {i: [] for i in range(len(LAYERS))}
    for module in paths:
        members[layer_of(module)].append(module)
    arrows: dict[tuple[int, int], int] = {}
    for module, path in paths.items():
        for imported in imports_of(path, set(paths)):
            a, b = layer_of(module), layer_of(imported)
            if a != b:
                arrows[(a, b)] = arrows.get((a, b), 0) + 1
    return members, arrows


def short(modules: list[str]) -> list[str]:
    """Module names without ``ladder.`` (``web/views/``, ``web/auth``: two levels deep), wrapped to lines."""
    names = set()
    for m in modules:
        parts = m.removeprefix("ladder.").split(".")
        names.add("/".join(parts[:2]) + ("/" if len(parts) > 2 else ""))
    # a package's face (its __init__) goes when the package's modules are listed
    names = sorted(n for n in names if n.endswith("/") or not any(o.startswith(n + "/") for o in names))
    lines, line = [], ""
    for n in names:
        if len(line) + len(n) + 2 > 96:
            lines.append(line.rstrip(", "))
            line = ""
        line += n + ", "
    return lines + [line.rstrip(", ")]


def svg(members, arrows) -> str:
    width, box_w, left, gap = 900, 700, 150, 36
    y, boxes, out = 20, {}, []
    for i, (title, what, _) in enumerate(LAYERS):
        lines = short(members[i])
        height = 44 + 16 * len(lines)
        boxes[i] = (y, height)
        out.append(f'<rect x="{left}" y="{y}" width="{box_w}" height="{height}" rx="6" fill="#eef3f8" stroke="#1f4e79"/>')
        out.append(f'<text x="{left + 12}" y="{y + 20}" font-weight="bold">{escape(title)}</text>')
        out.append(f'<text x="{left + 12 + 9 * len(title)}" y="{y + 20}" fill="#444">— {escape(what)}</text>')
        for j, line in enumerate(lines):
            out.append(f'<text x="{left + 12}" y="{y + 40 + 16 * j}" font-family="monospace" font-size="12">'
                       f'{escape(line)}</text>')
        y += height + gap
    for k, ((a, b), count) in enumerate(sorted(arrows.items())):
        up = b < a
        ya, ha = boxes[a]
        yb, hb = boxes[b]
        x = left - 14 - 12 * (k % 10) if not up else left + box_w + 14 + 12 * (k % 10)
        y1, y2 = (ya + ha, yb) if not up else (ya, yb + hb)
        colour = "#b00020" if up else "#1f4e79"
        out.append(f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{colour}" stroke-width="1.5" '
                   f'marker-end="url(#{"up" if up else "down"})"><title>{escape(LAYERS[a][0])} imports '
                   f'{escape(LAYERS[b][0])}: {count}</title></line>')
    legend = ("Each arrow: a layer importing a lower one (hover for the number of imports). "
              "Red would be an import running upwards: tests/test_structure.py forbids it.")
    out.append(f'<text x="10" y="{y + 4}" font-size="12" fill="#444">{escape(legend)}</text>')
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 20}" font-family="sans-serif" '
            f'font-size="13" role="img" aria-label="ladder\'s layers and the imports between them">\n'
            '<defs><marker id="down" markerWidth="8" markerHeight="8" refX="4" refY="7" orient="auto-start-reverse">'
            '<path d="M0,0 L8,0 L4,8 z" fill="#1f4e79" transform="rotate(-90 4 4)"/></marker>'
            '<marker id="up" markerWidth="8" markerHeight="8" refX="4" refY="7" orient="auto-start-reverse">'
            '<path d="M0,0 L8,0 L4,8 z" fill="#b00020" transform="rotate(-90 4 4)"/></marker></defs>\n')
    return head + "\n".join(out) + "\n</svg>\n"


def main(argv) -> int:
    members, arrows = measure()
    picture = svg(members, arrows)
    if "--check" in argv:
        return 0 if OUT.exists() and OUT.read_text(encoding="utf-8") == picture else 1
    OUT.write_text(picture, encoding="utf-8")
    up = {(LAYERS[a][0], LAYERS[b][0]): n for (a, b), n in arrows.items() if b < a}
    print(f"{OUT}: {sum(map(len, members.values()))} modules; upward imports: {up or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
