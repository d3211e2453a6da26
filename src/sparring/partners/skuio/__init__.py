"""SKU.io's business rules (the vendor's Customers API; research notes, section C).

Each rule checks everything before it writes, so a refused request changes no state. The rules
live in one module per area; this package names them for the spec's ``rule:`` declarations.
"""

from __future__ import annotations

import functools
import typing as t

from sparring.partners.skuio import addresses, archive, credits, csv_import, customers, fixtures, listing, matching, \
    starshipit
from sparring.partners.skuio.common import require_power_user


def _gated(function: t.Callable) -> t.Callable:
    """The rule behind the power-user gate its operation declares."""

    @functools.wraps(function)
    def rule(action, call):
        require_power_user(action, call)
        return function(action, call)

    return rule


list_customers = _gated(listing.list_customers)
create_customer = _gated(customers.create_customer)
get_customer = _gated(customers.get_customer)
update_customer = _gated(customers.update_customer)
delete_customer = _gated(archive.delete_customer)
bulk_delete_customers = _gated(archive.bulk_delete_customers)
bulk_archive = _gated(archive.bulk_archive)
bulk_unarchive = _gated(archive.bulk_unarchive)
check_deletable = _gated(archive.check_deletable)
archive_customer = _gated(archive.archive_customer)
unarchive_customer = _gated(archive.unarchive_customer)
get_addresses = _gated(addresses.get_addresses)
add_address = _gated(addresses.add_address)
set_default_shipping = _gated(addresses.set_default_shipping)
set_default_billing = _gated(addresses.set_default_billing)
find_match = _gated(matching.find_match)
open_sales_credits = _gated(credits.open_sales_credits)
unpaid_orders = _gated(credits.unpaid_orders)
allocate_credit = _gated(credits.allocate_credit)
preview_import = _gated(csv_import.preview_import)
import_customers = _gated(csv_import.import_customers)
submit_starshipit_orders = _gated(starshipit.submit_starshipit_orders)
update_starshipit_order = _gated(starshipit.update_starshipit_order)
view_starshipit_order = _gated(starshipit.view_starshipit_order)

fixture_customer = fixtures.fixture_customer
fixture_order = fixtures.fixture_order
fixture_credit = fixtures.fixture_credit
fixture_fulfillment = fixtures.fixture_fulfillment
