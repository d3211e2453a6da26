"""SKU.io (inventory and order platform), its Customers API: the rules table is ``rules.py``; each
area's rules live in their own module (customers, listing, archive, addresses, matching, credits,
csv_import, starshipit) and the fixture hooks in ``fixtures.py``."""
