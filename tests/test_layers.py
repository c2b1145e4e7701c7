"""The import rule: dependencies point down, rooms are entered through their front door, no circles.

Read with the standard library's `ast` from the source files (nothing is imported), so a new module
that breaks the layering fails here before anyone has to notice it in review.

    front ends    bot.cli  >  bot.telegram
    wiring        bot.services
    capabilities  bot.qa | bot.briefing | bot.actors | bot.summary | bot.timeline   (never each other)
    shared        bot.settings, bot.context, bot.citations, bot.verify, bot.llm, ...
                    >  bot.meaning (the verifier's meaning check)  >  bot.text, bot.entities, ... (text helpers)
    index         index.live  >  index.store, index.search  >  index.actors  >  storage core  >  index.furniture
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (room, level): a module may import its own room or a room of a lower level, never a higher one,
# and never a different room of the same level.
SUBPACKAGES = {
    "bot.cli": 8, "bot.telegram": 7,
    "bot.qa": 5, "bot.briefing": 5, "bot.actors": 5, "bot.summary": 5, "bot.timeline": 5,
    "bot.meaning": 3.9,
    "index.live": 3, "index.actors": 1, "index.furniture": -1,
}
MODULES = {
    "bot.services": ("bot.services", 6),
    **{f"bot.{m}": ("bot (shared)", 4) for m in
       ("settings", "context", "citations", "verify", "llm", "prompts", "render", "runtime")},
    **{f"bot.{m}": ("bot (text helpers)", 3.8) for m in ("text", "entities", "spans", "standalone", "claims")},
    "index.store": ("index (facade)", 2), "index.search": ("index (facade)", 2),
    **{f"index.{m}": ("index (core)", 0) for m in
       ("articles", "sources", "catalog", "vectors", "bm25", "lexical", "embed", "models", "config", "dedupe",
        "nlp", "prune", "writer", "dates", "faults", "decoding", "db")},
    "bot": ("bot (shared)", 4), "index": ("index (core)", 0),
}


def room_of(module: str) -> tuple[str, int]:
    for package, level in SUBPACKAGES.items():
        if module == package or module.startswith(package + "."):
            return package, level
    if module in MODULES:
        return MODULES[module]
    raise KeyError(module)


def modules() -> dict[str, Path]:
    found = {}
    for top in ("bot", "index"):
        for path in sorted((ROOT / top).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODS = modules()


def exported(module: str) -> set[str]:
    """Names a package's __init__ binds: `from bot.summary import summarize` is then the function."""
    path = MODS.get(module)
    if path is None or path.name != "__init__.py":
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names}


def imports(path: Path, known: set[str]) -> list[tuple[int, str, bool]]:
    """(line, imported module, whether it names a submodule inside a package) for project imports."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, False) for a in node.names if a.name.split(".")[0] in ("bot", "index")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("bot", "index"):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            bound = exported(node.module)
            named = [f"{node.module}.{a.name}" for a in node.names
                     if f"{node.module}.{a.name}" in known and a.name not in bound]
            out += [(node.lineno, m, True) for m in named] or [(node.lineno, node.module, False)]
    return out


def test_every_module_belongs_to_a_room():
    homeless = [m for m in sorted(MODS) if not any(m == p or m.startswith(p + ".") for p in SUBPACKAGES)
                and m not in MODULES]
    assert not homeless, f"add these modules to SUBPACKAGES or MODULES above: {homeless}"


def test_dependencies_point_down_and_capabilities_do_not_import_each_other():
    wrong = []
    for module, path in MODS.items():
        room, level = room_of(module)
        for line, target, _ in imports(path, set(MODS)):
            their_room, their_level = room_of(target)
            if their_level > level or (their_level == level and their_room != room):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {room} imports {target} ({their_room})")
    assert not wrong, "imports pointing up or sideways:\n" + "\n".join(wrong)


def test_other_rooms_are_entered_through_the_package():
    wrong = []
    for module, path in MODS.items():
        room, _ = room_of(module)
        for line, target, _ in imports(path, set(MODS)):
            their_room, _ = room_of(target)
            if their_room in SUBPACKAGES and their_room != room and target != their_room:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: import {target} from its package {their_room}")
    assert not wrong, "reaching into another room's internals:\n" + "\n".join(wrong)


def test_no_import_cycles():
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODS.items():
        for _, target, _ in imports(path, set(MODS)):
            if target != module:
                graph[module].add(target)
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in cycles)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph is small, but recursion limits are not worth the risk)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in list(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_the_checker_catches_a_cycle_and_an_upward_import():
    assert [c for c in strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) if len(c) > 1] \
        == [{"a", "b", "c"}]
    assert room_of("bot.qa.answer")[1] > room_of("bot.llm")[1] > room_of("index.store")[1]
    assert room_of("bot.briefing.stories")[1] == room_of("bot.summary.parts")[1]  # peers: importing is sideways
