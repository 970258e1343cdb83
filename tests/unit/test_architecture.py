"""The project's apps depend on each other in one direction, and each concept has one home.

Dependencies are read from the source (ast): ``import x`` / ``from x import …``
and the strings of ``get_model("x", …)``, ``get_class("x.…", …)``,
``get_classes`` and ``include("x.…")``. A model field's ``"app.Model"`` string
(e.g. ``partner.Partner.kecamatan`` → ``places.Kecamatan``) is a database
relation, not an import, and is not counted. Migrations are left out.

The layers, bottom up: places, address, shipping · partner · catalogue · order ·
search · payments · consignment · checkout · cms · seller, backoffice · storefront (the project).
"""

import ast
import itertools
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "storefront"
APPS = sorted({p.parent.name for p in ROOT.glob("*/apps.py")} | {PROJECT})
LOADERS = {"get_model", "get_class", "get_classes", "include"}

# No exceptions: checkout registers order placement with payments (payments/placement.py), and
# payments registers how to cancel an unpaid order with order (order/processing.py).
ALLOWED_CYCLES = []


def imported_apps(path):
    """{app: [where, …]} that the module at ``path`` imports or loads by name."""
    found = {}
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            func = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            first = node.args[0]
            if func in LOADERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = [first.value]
        for name in names:
            found.setdefault(name.split(".")[0], []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def dependency_graph():
    graph = {}
    for app in APPS:
        edges = {}
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for other, where in imported_apps(path).items():
                if other in APPS and other != app:
                    edges.setdefault(other, []).extend(where)
        graph[app] = edges
    return graph


def cycles(graph):
    """The strongly connected components with more than one app (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(app):
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in graph[app]:
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(component)

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def describe(graph, component):
    lines = []
    for a, b in itertools.permutations(sorted(component), 2):
        if b in graph[a]:
            lines.append(f"  {a} -> {b}: {', '.join(graph[a][b][:4])}")
    return "\n".join(lines)


def test_the_graph_sees_imports_and_loader_strings():
    graph = dependency_graph()
    assert {"seller", "backoffice", "partner", "places", "search", "cms"} <= set(graph)
    assert "partner" in graph["seller"] and "payments" in graph["backoffice"]
    assert "search" in graph[PROJECT]  # get_classes("search.views", …) in storefront.urls


def test_no_import_cycle_between_apps():
    graph = dependency_graph()
    unexpected = [c for c in cycles(graph) if c not in ALLOWED_CYCLES]
    report = "\n".join(f"{sorted(c)}:\n{describe(graph, c)}" for c in unexpected)
    assert not unexpected, f"import cycles between apps:\n{report}"


@pytest.mark.parametrize("app, forbidden", [
    ("places", {"partner", "search", "cms", "payments", "catalogue", "order", "seller", "backoffice"}),
    ("partner", {"payments", "search", "places", "seller", "backoffice"}),
    ("search", {"cms", "seller", "backoffice", "payments"}),
    # Consignment sits on payments (the ledger) and registers its shelves there; checkout and the seller centre use it.
    ("payments", {"consignment"}),
    ("consignment", {"checkout", "seller", "backoffice", "cms"}),
    ("seller", {"backoffice"}),
    ("backoffice", {"seller"}),
])
def test_layers(app, forbidden):
    graph = dependency_graph()
    wrong = {other: graph[app][other] for other in forbidden if other in graph[app]}
    assert not wrong, f"{app} must not depend on {sorted(wrong)}: {wrong}"


def resolved(namespace):
    """[(route, view module)] of every URL in ``namespace``."""
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "view_class", entry.callback)
                found.append((prefix + str(entry.pattern), view.__module__))

    walk(resolver.url_patterns, "")
    return found


def test_seller_centre_urls_are_served_by_the_seller_app():
    routes = resolved("seller")
    assert routes
    wrong = [(route, module) for route, module in routes if module.split(".")[0] != "seller"]
    assert not wrong


def test_back_office_urls_are_served_by_the_backoffice_app():
    routes = resolved("backoffice")
    assert routes
    wrong = [(route, module) for route, module in routes if module.split(".")[0] != "backoffice"]
    assert not wrong


def template_names(app):
    """Template names the app's views render (their ``template_name``)."""
    names = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "template_name" for t in node.targets):
                if isinstance(node.value, ast.Constant):
                    names.add(node.value.value)
    return names


def test_each_area_renders_its_own_templates():
    theme = ROOT / "themes" / "default" / "templates"
    for app, folder, other in [("seller", "seller/", "backoffice/"), ("backoffice", "backoffice/", "seller/")]:
        names = template_names(app)
        assert names and all(n.startswith(folder) for n in names), (app, sorted(names))
        assert all((theme / n).exists() for n in names), app
        # A page of one area does not extend the other's layout.
        for template in (theme / folder).rglob("*.html"):
            assert f'extends "{other}' not in template.read_text(), template
    assert not (theme / "seller" / "staff").exists()


def test_staff_access_check_lives_in_the_back_office():
    from backoffice.access import StaffRequiredMixin  # noqa: F401
    import seller.access

    assert not hasattr(seller.access, "StaffRequiredMixin")
