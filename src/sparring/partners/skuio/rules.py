"""SKU.io's rules table: every rule, and fixture hook the spec and the fixture recipe name.

SKU.io's Customers operations are business rules more than CRUD (a customer is created with its
addresses, archived rather than deleted, matched approximately, credited across orders, imported
from CSV), so each operation is a rule; the engine still does their permissions (scopes and the
power-user role), the `{data: ...}` envelope, the list's paging, sorting and filters, and errors in
Laravel's shape. Each rule checks everything before it writes, so a refused request changes
nothing.
"""

from __future__ import annotations

from sparring.engine.registry import Rules
from sparring.partners.skuio import addresses, archive, credits, csv_import, customers, fixtures, listing, matching, \
    starshipit

rules = Rules("skuio")

for function in (
    listing.list_customers,
    customers.create_customer, customers.get_customer, customers.update_customer,
    archive.delete_customer, archive.bulk_delete_customers, archive.bulk_archive, archive.bulk_unarchive,
    archive.check_deletable, archive.archive_customer, archive.unarchive_customer,
    addresses.get_addresses, addresses.add_address, addresses.set_default_shipping, addresses.set_default_billing,
    matching.find_match,
    credits.open_sales_credits, credits.unpaid_orders, credits.allocate_credit,
    csv_import.preview_import, csv_import.import_customers,
    starshipit.submit_starshipit_orders, starshipit.update_starshipit_order, starshipit.view_starshipit_order,
):
    rules.rule()(function)

for hook in (fixtures.fixture_customer, fixtures.fixture_order, fixtures.fixture_credit, fixtures.fixture_fulfillment):
    rules.fixture()(hook)
