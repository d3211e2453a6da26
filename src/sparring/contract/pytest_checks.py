"""The contract checks of ``sparring fuzz``, inside your own pytest suite.

One test file covers a partner: every operation with schemathesis' generated cases and every
check, then the stateful workflows from the spec's links (each scenario starting from freshly
seeded data when the target can be reset)::

    # tests/test_inventorypro_contract.py
    import os
    from sparring.contract.pytest_checks import contract

    inventorypro = contract("inventorypro", max_examples=25)   # sparring in-process, demo client
    # or a deployment, with its credentials:
    # inventorypro = contract("inventorypro", url=os.environ["INVENTORYPRO_URL"],
    #                         client_id=os.environ["INVENTORYPRO_CLIENT_ID"],
    #                         client_secret=os.environ["INVENTORYPRO_CLIENT_SECRET"])

    @inventorypro.schema.parametrize()
    def test_inventorypro_operations(case):
        inventorypro.check(case)

    TestInventoryProWorkflows = inventorypro.workflows()

``contract()`` takes the options of ``sparring fuzz`` as keywords (``url``, ``reset_url``,
``token``, ``client_id``, ``client_secret``, ``api_keys``, ``basic``, ``headers``, ``max_examples``,
``seed``, ``include``, ``exclude``); the token exchange happens when it is called, at collection.
A failing case raises with schemathesis' report of it, a curl command included.
"""

from __future__ import annotations

import typing as t

from sparring.contract.constants import MARK


class Contract:
    """A partner's spec as a configured schemathesis schema, aimed at one target."""

    def __init__(self, partner: t.Any, target: t.Any, creds: t.Any, settings: t.Any, sanitize: bool = True) -> None:
        from sparring.contract.runner import build_schema

        self.partner = partner
        self.target = target
        self.settings = settings
        self.schema = build_schema(partner, target, creds, settings)
        self.schema.parametrize = _spec_only_tests(self.schema.parametrize)
        # failure messages land in CI logs: credentials in their curl lines show as [Filtered]
        self.schema.config.output.sanitization.update(enabled=sanitize)

    def check(self, case: t.Any) -> t.Any:
        """Send the case and run every check on the answer; raises with a curl reproduction on failure."""
        return case.call_and_validate()

    def reset(self) -> None:
        """Back to freshly seeded data (in-process, or through ``reset_url``)."""
        self.target.reset()

    def workflows(self, max_examples: int | None = None, max_steps: int | None = None) -> type:
        """A ``unittest.TestCase`` running the stateful scenarios; pytest collects it by its name."""
        from hypothesis import HealthCheck, Phase, settings

        machine = self.schema.as_state_machine()  # every scenario starts with a reset (see runner)
        case = machine.TestCase
        options = {"max_examples": max_examples or self.settings.max_examples, "deadline": None,
                   "derandomize": True, "database": None, "phases": [Phase.generate],
                   "suppress_health_check": list(HealthCheck)}
        if max_steps:
            options["stateful_step_count"] = max_steps
        case.settings = settings(**options)
        setattr(case, MARK, True)
        return case


def _spec_only_tests(parametrize: t.Callable[..., t.Callable]) -> t.Callable[..., t.Callable]:
    """``schema.parametrize()`` whose tests sparring's pytest plugin generates as ``sparring fuzz`` does
    (no constants from the modules the test process imported; see contract/constants.py)."""
    def marked(*args: t.Any, **kwargs: t.Any) -> t.Callable:
        decorate = parametrize(*args, **kwargs)

        def decorator(test: t.Callable) -> t.Callable:
            test = decorate(test)
            setattr(test, MARK, True)
            return test

        return decorator

    return marked


def contract(partner: str, *, sanitize: bool = True, **options: t.Any) -> Contract:
    """The partner's contract against sparring in-process, or against ``url=`` with its credentials.

    ``sanitize=False`` shows credentials in the curl lines of failures (they are hidden by default).
    """
    from sparring.contract import prepare

    return Contract(*prepare(partner, **options), sanitize=sanitize)
