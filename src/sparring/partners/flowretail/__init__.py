"""Flow Retail (retail / POS platform, API v2): tenant-scoped customers. ``rules.py`` holds the
rules table; ``search.py`` the search matching, ``norway.py`` Norwegian facts,
``fixture_hooks.py`` the seed-data hooks."""
