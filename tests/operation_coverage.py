"""Operation coverage from what the tests really called, for every served partner.

The recording test client of ``kit.fresh`` notes each partner operation that answered a test with
a 2xx, and under which partner folder that test lives. Once a partner's whole folder
(``tests/<partner>/``) has been selected for the run, one more test is appended to it,
``test_every_<partner>_operation_was_called``, which fails naming every operation of
``spec/<partner>.yaml`` that no test of that folder called successfully. A run of part of the
folder (``-k``, ``--deselect``, a node id) adds no such test: it cannot judge.

A partner that is served (its spec declares actions) but has no test folder gets the same test,
failing with that message, whenever the whole suite runs.

The hooks are imported by tests/conftest.py.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

import kit

HERE = Path(__file__).parent
_deselected: set[Path] = set()


def _folder_of(path: Path) -> str | None:
    """The partner folder a test file lives in (``tests/<name>/...``), or None."""
    try:
        relative = Path(path).resolve().relative_to(HERE.resolve())
    except ValueError:
        return None
    return relative.parts[0] if len(relative.parts) > 1 else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    kit.CURRENT_FOLDER = _folder_of(item.path)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    kit.CURRENT_FOLDER = None


def pytest_deselected(items: t.Sequence[pytest.Item]) -> None:
    _deselected.update(Path(i.path).resolve() for i in items)


def _whole(files: set[Path], selected: set[Path], config: pytest.Config) -> bool:
    """Every one of these test files is in the run with none of its tests left out."""
    if not files or not files <= selected or files & _deselected:
        return False
    named = [Path(arg.split("::")[0]).resolve() for arg in config.args if "::" in arg]
    return not any(path in files for path in named)


def served_partners() -> dict[str, dict[str, str]]:
    """Each served partner's operations, ``{operationId: "METHOD /path"}``."""
    from sparring.catalog import load_partners

    return {p.name: {op.id: f"{op.method.upper()} {op.path}" for op in p.operations.values()}
            for p in load_partners() if p.servable}


def _coverage_test(partner: str, operations: dict[str, str], folder: Path) -> t.Callable[[], None]:
    def check() -> None:
        if not folder.is_dir():
            pytest.fail(f"{partner} is served (spec/{partner}.yaml declares actions) but has no test folder "
                        f"tests/{partner}/: none of its {len(operations)} operations is called by a test. Add "
                        f"tests/{partner}/test_{partner}_*.py calling each through kit.PartnerApi.", pytrace=False)
        called = kit.CALLED.get(partner, {})
        missing = sorted(op for op in operations if partner not in called.get(op, set()))
        if missing:
            lines = "\n".join(f"  {op}  ({operations[op]})" for op in missing)
            pytest.fail(f"{len(missing)} of {len(operations)} {partner} operations were never answered with a 2xx "
                        f"by a test in tests/{partner}/ (calls through kit.fresh clients are recorded):\n{lines}",
                        pytrace=False)

    check.__doc__ = f"Every operation of {partner} was called successfully by a test of tests/{partner}/."
    return check


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not items:
        return
    selected = {Path(i.path).resolve() for i in items}
    everything = {p.resolve() for p in HERE.rglob("test_*.py")}
    whole_suite = _whole(everything, selected, config)
    plans = []
    for name in sorted({_folder_of(p) for p in selected} - {None}):
        folder = HERE / name
        files = {p.resolve() for p in folder.glob("test_*.py")}
        if _whole(files, selected, config):
            plans.append((name, folder))
    if not plans and not whole_suite:
        return
    partners = served_partners()
    if whole_suite:
        plans += [(name, HERE / name) for name in partners if not (HERE / name).is_dir()]
    for name, folder in plans:
        if name not in partners:
            continue  # a folder of tests that is no served partner
        in_folder = [i for i in items if _folder_of(i.path) == name]
        parent = (in_folder or items)[-1].getparent(pytest.Module)
        items.append(pytest.Function.from_parent(parent, name=f"test_every_{name}_operation_was_called",
                                                 callobj=_coverage_test(name, partners[name], folder)))
