"""The HTTP adapter: everything that knows connexion or starlette internals, and nothing else.

``adapter`` assembles connexion per partner; ``security`` and ``validation`` are connexion's
handlers and validators made fast and precise; ``errors`` translates their exceptions into the
engine's :class:`~sparring.engine.errors.ApiError`; ``endpoint`` turns a routed request into the
engine's :class:`~sparring.engine.context.Call` and its result into a response; ``docs`` serves
Swagger UI; ``limits`` bounds request bodies; ``failures`` is connexion's exception handling in
one layer; ``server`` and ``heap`` are uvicorn as ``sparring serve`` runs it.
"""
