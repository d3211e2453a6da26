"""SKU.io tests: a package, so its conftest and helpers never shadow other folders' modules."""
