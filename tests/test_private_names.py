"""Every private name of a library that sparring relies on, in one place: connexion's, starlette's
and uvicorn's for the HTTP adapter (src/sparring/http/), hypothesis' and schemathesis' for
``sparring fuzz`` (src/sparring/contract/).

The libraries are pinned; when an upgrade removes or renames one of these, this test names it, and
the module that uses it is the one to change.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from kit import PartnerApi, fresh

from sparring.app import create_app

# (module, object, attribute or None, used by)
PRIVATE = [
    ("connexion.middleware.main", "ConnexionMiddleware", "_build_middleware_stack", "http/adapter.py"),
    ("connexion.spec", "Specification", "_validate_spec", "http/adapter.py"),
    ("connexion.middleware.request_validation", "RequestValidationOperation", "extract_content_type", "http/validation.py"),
    ("connexion.middleware.request_validation", "RequestValidationOperation", "validate_mime_type", "http/validation.py"),
    ("connexion.middleware.request_validation", "RequestValidationOperation", "security_query_params", "http/validation.py"),
    ("connexion.middleware.request_validation", "RequestValidationAPI", "make_operation", "http/validation.py"),
    ("connexion.middleware.request_validation", "RequestValidationMiddleware", "api_cls", "http/validation.py"),
    ("connexion.validators", "JSONRequestBodyValidator", "_parse", "http/validation.py"),
    ("connexion.validators", "JSONRequestBodyValidator", "_validate", "http/validation.py"),
    ("connexion.validators.form_data", "FormDataValidator", "_validate", "http/validation.py"),
    ("connexion.validators.form_data", "FormDataValidator", "_validate_params_strictly", "http/validation.py"),
    ("connexion.validators.form_data", "FormDataValidator", "_form_parser_cls", "http/validation.py"),
    ("connexion.validators.abstract", "AbstractRequestBodyValidator", "wrap_receive", "http/validation.py"),
    ("connexion.validators", "ParameterValidator", "validate", "http/validation.py"),
    ("connexion.security", "AbstractSecurityHandler", "_generic_check", "http/security.py"),
    ("connexion.security", "OAuthSecurityHandler", "get_tokeninfo_func", "http/security.py"),
    ("connexion.security", "BearerSecurityHandler", "_resolve_func", "http/security.py"),
    ("connexion.security", "ApiKeySecurityHandler", "_resolve_func", "http/security.py"),
    ("connexion.middleware.swagger_ui", "SwaggerUIMiddleware", "add_api", "http/docs.py"),
    ("connexion.middleware.swagger_ui", "SwaggerUIMiddleware", "default_fn", "http/docs.py"),
    ("connexion.middleware.swagger_ui", "SwaggerUIAPI", "_spec_for_prefix", "http/docs.py"),
    ("connexion.middleware.swagger_ui", "SwaggerUIAPI", "_base_path_for_prefix", "http/docs.py"),
    ("connexion.spec", "Specification", "with_base_path", "http/docs.py"),
    ("connexion.validators.abstract", "AbstractRequestBodyValidator", "_insert_body", "http/validation.py"),
    ("connexion.validators.abstract", "AbstractRequestBodyValidator", "_insert_messages", "http/validation.py"),
    ("starlette.formparsers", "MultiPartException", None, "http/validation.py"),
    ("uvicorn.protocols.http.httptools_impl", "HttpToolsProtocol", "on_headers_complete", "http/server.py"),
    ("uvicorn.protocols.http.httptools_impl", "HttpToolsProtocol", "on_message_begin", "http/server.py"),
    ("uvicorn.server", "Server", "handle_exit", "http/server.py"),
    ("connexion.utils", "is_null", None, "http/validation.py"),
    ("connexion.utils", "is_nullable", None, "http/validation.py"),
    ("connexion.validators", "VALIDATOR_MAP", None, "http/validation.py"),
    ("connexion.exceptions", "OAuthResponseProblem", None, "http/security.py"),
    ("connexion.middleware.server_error", "ServerErrorMiddleware", "error_response", "http/failures.py"),
    ("connexion.middleware.security", "SecurityMiddleware", "api_cls", "http/security.py"),
    ("connexion.middleware.security", "SecurityAPI", "make_operation", "http/security.py"),
    ("connexion.middleware.security", "SecurityOperation", "from_operation", "http/security.py"),
    ("connexion.uri_parsing", "AbstractURIParser", "resolve_query", "http/validation.py"),
    ("connexion.uri_parsing", "AbstractURIParser", "resolve_path", "http/validation.py"),
    ("connexion.middleware.abstract", "ROUTING_CONTEXT", None, "http/routing.py"),
    ("connexion.middleware.routing", "RoutingMiddleware", "add_api", "http/routing.py"),
    ("hypothesis.internal.conjecture.providers", "_get_local_constants", None, "contract/constants.py"),
    ("hypothesis.internal.conjecture.providers", "CONSTANTS_CACHE", "cache", "contract/constants.py"),
    ("hypothesis.internal.constants_ast", "Constants", "set_for_type", "contract/constants.py"),
    ("schemathesis.python.asgi", "_get_portal", None, "contract/direct.py"),
    ("schemathesis.python.asgi", "_start_lifespan", None, "contract/direct.py"),
    ("schemathesis.python.asgi", "get_client", None, "contract/direct.py"),
    ("schemathesis.python.asgi", "_LOCK", None, "contract/jobs.py"),
    ("schemathesis.python.asgi", "_STACK", None, "contract/jobs.py"),
    ("schemathesis.python.asgi", "_PORTAL", None, "contract/jobs.py"),
    ("schemathesis.python.asgi", "_LIFESPANS", None, "contract/jobs.py"),
    ("schemathesis.python.asgi", "_STARTUP_LOCKS", None, "contract/jobs.py"),
    ("schemathesis.engine.context", "EngineContext", "next_stateful_seed", "contract/runner.py"),
    ("uvicorn.supervisors.multiprocess", "Multiprocess", "keep_subprocess_alive", "serving.py"),
    ("schemathesis.config._operations", "OperationConfig", None, "contract/runner.py"),
    ("schemathesis.config._phases", "PhasesConfig", None, "contract/runner.py"),
    ("schemathesis.config._auth", "AuthConfig", None, "contract/runner.py"),
    ("schemathesis.config._cache", "CacheConfig", None, "contract/runner.py"),
    ("schemathesis.config._checks", "POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES", None, "contract/runner.py"),
    ("schemathesis.config._checks", "PositiveDataAcceptanceConfig", None, "contract/runner.py"),
    ("hypothesis.strategies._internal.strategies", "FilteredStrategy", "do_validate", "contract/strategies_once.py"),
    ("schemathesis.generation.jsonschema.strategy", "st", "fixed_dictionaries", "contract/strategies_once.py"),
    ("schemathesis.transport", "get", None, "contract/direct.py"),
    ("schemathesis.transport.requests", "RequestsTransport", "_build_request_data", "contract/direct_transport.py"),
    ("schemathesis.transport.asgi", "ASGI_TRANSPORT", "_copy_serializers_from", "contract/direct_transport.py"),
    ("schemathesis.python.asgi", "_lifespan_state", None, "contract/direct_transport.py"),
    ("schemathesis.python.asgi", "_reason_phrase", None, "contract/direct_transport.py"),
    ("schemathesis.python.asgi", "_OriginalResponse", None, "contract/direct_transport.py"),
    ("schemathesis.python.asgi", "HOST", None, "contract/direct_transport.py"),
    ("schemathesis.generation.overrides", "Override", "from_send_kwargs", "contract/direct_transport.py"),
    ("schemathesis.transport.prepare", "normalize_base_url", None, "contract/direct_transport.py"),
    ("schemathesis.transport.prepare", "get_exclude_headers", None, "contract/direct_transport.py"),
]

# attributes connexion sets on objects at run time, which the adapter reads
INSTANCE_ATTRIBUTES = {
    "RequestValidationOperation.__init__": ("connexion.middleware.request_validation", "RequestValidationOperation",
                                            ["_operation", "_validator_map", "strict_validation", "next_app"]),
    "AbstractRequestBodyValidator.__init__": ("connexion.validators.abstract", "AbstractRequestBodyValidator",
                                              ["_schema", "_nullable", "_required", "_encoding", "_strict_validation"]),
    "ParameterValidator.__init__": ("connexion.validators", "ParameterValidator",
                                    ["parameters", "uri_parser", "strict_validation", "security_query_params"]),
    "HttpToolsProtocol.__init__": ("uvicorn.protocols.http.httptools_impl", "HttpToolsProtocol",
                                   ["loop", "cycle", "transport"]),
    "Server.__init__": ("uvicorn.server", "Server", ["should_exit", "force_exit", "_captured_signals"]),
    # serving.py: every worker the supervisor starts reads self.sockets, which sparring makes a socket of its own
    "Multiprocess.__init__": ("uvicorn.supervisors.multiprocess", "Multiprocess", ["config", "sockets", "processes"]),
    "SecurityOperation.__init__": ("connexion.middleware.security", "SecurityOperation",
                                   ["next_app", "security_handler_factory", "security", "security_schemes"]),
    "SecurityHandlerFactory.__init__": ("connexion.security", "SecurityHandlerFactory", ["security_handlers"]),
    "ExceptionMiddleware.__init__": ("starlette.middleware.exceptions", "ExceptionMiddleware",
                                     ["app", "_exception_handlers", "_status_handlers"]),
    "RoutingMiddleware.__init__": ("connexion.middleware.routing", "RoutingMiddleware", ["app", "router"]),
    "RoutingOperation.__init__": ("connexion.middleware.routing", "RoutingOperation", ["operation_id", "next_app"]),
}


@pytest.mark.parametrize("module,name,attribute,user", PRIVATE, ids=[f"{p[1]}.{p[2] or ''}" for p in PRIVATE])
def test_private_name_exists(module: str, name: str, attribute: str | None, user: str) -> None:
    mod = importlib.import_module(module)
    assert hasattr(mod, name), f"{module} no longer has {name}, which src/sparring/{user} relies on"
    obj = getattr(mod, name)
    if attribute:
        assert hasattr(obj, attribute), f"{module}.{name} no longer has {attribute}, which src/sparring/{user} relies on"


@pytest.mark.parametrize("where", sorted(INSTANCE_ATTRIBUTES))
def test_connexion_sets_the_attributes_we_read(where: str) -> None:
    module, name, attributes = INSTANCE_ATTRIBUTES[where]
    source = inspect.getsource(getattr(importlib.import_module(module), name).__init__)
    missing = [a for a in attributes if f"self.{a} =" not in source and f"self.{a}: " not in source]
    assert not missing, f"{where} no longer sets {missing}, which src/sparring/http/ reads"


def test_routing_and_security_leave_what_the_engine_reads() -> None:
    """The endpoint reads connexion's scope extensions (connexion_routing: api_base_path and
    operation_id; connexion_context: token_info): a routed, authenticated request that the engine
    answers with the caller's permission checked proves both."""
    app = create_app(["inventorypro"], seed=0)
    with fresh(app) as client:
        api = PartnerApi(client, app, "inventorypro", who="demo-readonly")
        assert api.get("/Customer/All?pageSize=1", 200).json()["pageSize"] == 1
        api.post("/Customer", 403, json={"shortID": "NOPE"})  # the caller reached the engine


def test_hypothesis_draws_local_constants_through_the_function_sparring_replaces() -> None:
    """contract/constants.py empties the pool by replacing the module-level function: the provider
    must still look it up by that name at draw time, not hold a reference of its own."""
    from hypothesis.internal.conjecture import providers

    source = inspect.getsource(providers.HypothesisProvider)
    assert "_get_local_constants()" in source and "CONSTANTS_CACHE[key]" in source


def test_uvicorn_starts_each_worker_with_the_sockets_it_reads_then() -> None:
    """serving.py hands each worker a socket of its own through ``Multiprocess.sockets``: uvicorn
    must read that attribute for every worker it starts, restarts or adds."""
    from uvicorn.supervisors import multiprocess

    source = inspect.getsource(multiprocess.Multiprocess)
    assert source.count("Process(self.config, self.sockets)") >= 3, "uvicorn no longer starts workers as serving.py expects"


def test_a_filtered_strategy_is_validated_once_within_a_run_and_draws_the_same() -> None:
    """contract/strategies_once.py: hypothesis forgets that it validated a filtered strategy (its
    do_validate re-initialises it), so it validates on every draw; within a run it remembers, and the
    values a seed draws do not change. When the first assertion fails, hypothesis fixed it upstream
    and that half of strategies_once.py can go."""
    from hypothesis import strategies as st
    from hypothesis.strategies._internal.strategies import FilteredStrategy

    from sparring.contract.strategies_once import strategies_once

    def strategy():  # what schemathesis builds for free keys: text filtered by a predicate
        return st.lists(st.text().filter(lambda key: key not in {"id"}), max_size=5)

    def draws():
        return [drawn_by_seed(strategy(), seed) for seed in range(3)]

    filtered = st.text().filter(lambda key: key != "id").wrapped_strategy
    filtered.validate()
    assert isinstance(filtered, FilteredStrategy) and not filtered.validate_called, "fixed upstream?"
    before = draws()
    with strategies_once():
        again = st.text().filter(lambda key: key != "id").wrapped_strategy
        again.validate()
        assert any(again.validate_called.values())
        within = draws()
    assert within == before and len({repr(value) for values in before for value in values}) > 20
    after = st.text().filter(lambda key: key != "id").wrapped_strategy
    after.validate()
    assert not after.validate_called  # left as it was found


def drawn_by_seed(strategy, seed: int) -> list:
    """The values hypothesis' engine draws from ``strategy`` in 25 examples with a fixed seed."""
    from hypothesis import HealthCheck, given, seed as fixed_seed, settings

    drawn = []

    @fixed_seed(seed)
    @settings(max_examples=25, database=None, suppress_health_check=list(HealthCheck), deadline=None)
    @given(strategy)
    def record(value):
        drawn.append(value)

    record()
    return drawn


def test_schemathesis_builds_an_objects_fixed_dictionaries_per_draw_through_its_module_st() -> None:
    """contract/strategies_once.py memoises ``st.fixed_dictionaries`` as schemathesis' object
    strategies look it up at draw time (the module's ``st``); within a run the same keys and value
    strategies give one strategy, and the module is left as it was."""
    from hypothesis import strategies as st
    from schemathesis.generation.jsonschema import strategy as objects

    from sparring.contract.strategies_once import strategies_once

    source = inspect.getsource(objects)
    assert source.count("draw(st.fixed_dictionaries(") >= 2, "schemathesis no longer builds them per draw"
    values = {"a": st.integers(), "b": st.text()}
    with strategies_once():
        assert objects.st.fixed_dictionaries(dict(values)) is objects.st.fixed_dictionaries(dict(values))
        assert objects.st.fixed_dictionaries({"a": st.integers().map(str)}) is not \
            objects.st.fixed_dictionaries({"a": st.integers().map(str)})  # other value strategies
    assert objects.st is st
