"""An import-linter contract: no module imports another module's underscore names.

import-linter's own contracts work on modules; this one asks of every import its graph holds
which names it takes (Python's ast, at the line the graph reports), so `from .offers import
_lock` breaks the contract wherever it is written, at any depth of a function.
"""

import ast
import importlib.util

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _imports_by_line(module: str) -> dict[int, list[str]]:
    """{line: names imported there} for each `from x import ...` in the module's source."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return {}
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read(), filename=spec.origin)
    return {
        node.lineno: [alias.name for alias in node.names]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }


class PrivateNamesContract(Contract):
    type_name = "private_names"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        broken = []
        for importer in sorted(graph.modules):
            if not importer.startswith(tuple(self.containers)):
                continue
            lines = None
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported == importer:
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    if lines is None:
                        lines = _imports_by_line(importer)
                    names = [n for n in lines.get(detail["line_number"], []) if _is_private(n)]
                    if names:
                        broken.append((importer, imported, detail["line_number"], names))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Underscore names are private to their module:", bold=False)
        output.new_line()
        for importer, imported, line, names in check.metadata["broken"]:
            output.print_error(
                f"- {importer} (l.{line}) imports {', '.join(names)} from {imported}", bold=False
            )
        output.new_line()
        output.print_error(
            "Make the name public in its module (and part of its contract), or move the code "
            "that needs it there.",
            bold=False,
        )
