"""An import-linter contract: no module uses another module's underscore names.

import-linter's own contracts work on modules; this one asks of every import its graph holds
which names it takes (Python's ast, at the line the graph reports), so `from .offers import
_lock` breaks the contract wherever it is written, at any depth of a function. A module
imported whole (`import helpdesk.offers as offers`, `from helpdesk import offers`) may not be
reached into either: `offers._lock` breaks it too.
"""

import ast
import importlib.util

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _tree(module: str) -> ast.Module | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    with open(spec.origin, encoding="utf-8") as source:
        return ast.parse(source.read(), filename=spec.origin)


def _imports_by_line(tree: ast.Module) -> dict[int, list[str]]:
    """{line: names imported there} for each `from x import ...` in the module's source."""
    return {
        node.lineno: [alias.name for alias in node.names]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }


def _dotted(node: ast.expr) -> str | None:
    """ "a.b.c" for the expression a.b.c, None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _modules_bound(tree: ast.Module, importer: str, modules: set[str]) -> dict[str, str]:
    """{local name: module} for every module of the graph this source binds to a name."""
    package = importer if _is_package(importer) else importer.rpartition(".")[0]
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:  # `import a.b` binds `a`; `a.b` is then reached by its full name
                    for depth in range(1, alias.name.count(".") + 2):
                        prefix = ".".join(alias.name.split(".")[:depth])
                        bound[prefix] = prefix
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return {name: module for name, module in bound.items() if module in modules}


def _is_package(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    return bool(spec and spec.submodule_search_locations)


def _reached_into(tree: ast.Module, importer: str, modules: set[str]) -> list[tuple]:
    """(line, module, name) for each `module._name` the source reaches for."""
    bound = _modules_bound(tree, importer, modules)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _is_private(node.attr)):
            continue
        dotted = _dotted(node.value)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        if head not in bound:
            continue
        module = ".".join(filter(None, [bound[head], rest]))
        if module in modules and module != importer:
            found.append((node.lineno, module, node.attr))
    return found


class PrivateNamesContract(Contract):
    type_name = "private_names"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        broken = []
        modules = set(graph.modules)
        for importer in sorted(modules):
            if not importer.startswith(tuple(self.containers)):
                continue
            tree = _tree(importer)
            if tree is None:
                continue
            lines = _imports_by_line(tree)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported == importer:
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    names = [n for n in lines.get(detail["line_number"], []) if _is_private(n)]
                    if names:
                        broken.append((importer, imported, detail["line_number"], names))
            for line, module, name in _reached_into(tree, importer, modules):
                broken.append((importer, module, line, [name]))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Underscore names are private to their module:", bold=False)
        output.new_line()
        for importer, imported, line, names in check.metadata["broken"]:
            output.print_error(
                f"- {importer} (l.{line}) uses {', '.join(names)} of {imported}", bold=False
            )
        output.new_line()
        output.print_error(
            "Make the name public in its module (and part of its contract), or move the code "
            "that needs it there.",
            bold=False,
        )
