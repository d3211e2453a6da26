"""InventoryPro (CISS, warehouse / 3PL): the customer API is plain upsert / soft-delete CRUD, which
the engine does from the spec's declarations, so this bundle has no rules module yet. Rules for
orders or items would go in ``rules.py`` here, named by the spec's ``x-sparring.rules``."""
