"""One package per partner: its business rules (``rules.py``, a :class:`~sparring.engine.registry.Rules`
table the spec names with ``x-sparring.rules``) and fixture hooks. Everything else about a partner is
its spec and its fixture recipe."""
