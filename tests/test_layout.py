"""The house's layout: data flows one way between the rooms of ``service/``, and only the command line reaches ``training/``."""

import ast
from graphlib import CycleError, TopologicalSorter

from tests.conftest import ROOT

SERVICE = ROOT / "service"


def _room(module: str) -> str:
    """``service.text.article`` → ``service.text``; a top-level module is a room of its own."""
    return ".".join(module.split(".")[:2])


def _imports() -> dict[str, set[str]]:
    """Room → the other rooms of ``service`` and the top-level packages its modules import."""
    graph: dict[str, set[str]] = {}
    for path in SERVICE.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        room = _room(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            graph.setdefault(room, set()).update(_room(n) if n.startswith("service.") else n.split(".")[0] for n in names)
    return graph


def test_no_room_of_service_imports_a_room_that_imports_it_back():
    graph = {room: {t for t in targets if t.startswith("service.") and t != room} for room, targets in _imports().items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"rooms import each other: {exc.args[1]}") from None
    assert order.index("service.text") < order.index("service.model") < order.index("service.analyzer") < order.index("service.api")


def test_the_service_never_trains_but_through_the_command_line_that_starts_a_training():
    assert [room for room, targets in _imports().items() if "training" in targets] == ["service.cli"]
