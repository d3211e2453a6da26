"""InventoryPro's business rules.

Nothing here yet: the customer API is plain upsert / soft-delete CRUD, which the engine does from
the spec's declarations. Rules for orders or items would go here.
"""
