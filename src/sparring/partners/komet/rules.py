"""Komet Sales' rules table: every method of the spec names one of these.

Each rule turns the request into an :class:`~sparring.partners.komet.access.Ask` (the state, the
parameters or JSON body, the customer a Customer token is bound to) and hands it to the module
that knows the method. The partner's envelope (``status-message``) puts ``status: 1`` and the
message around what a rule returns; failures are ``ApiError`` s the ``status-zero`` error style
writes as ``{status: 0, message}``.
"""

from __future__ import annotations

from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.registry import Rules
from sparring.partners.komet import catalog, documents, pdf, seed, weborders
from sparring.partners.komet.access import Ask

rules = Rules("komet")


def ask(action, call: Call) -> Ask:
    caller = call.caller
    bindings = dict(caller.bindings) if caller else {}
    kind = "customer" if bindings.get("customer") is not None else "user" if bindings.get("user") else "company"
    return Ask(store=call.state, params=call.params, body=call.body if isinstance(call.body, dict) else {},
               account=int(bindings.get("account", 0)), customer=bindings.get("customer"),
               kind=kind, username=bindings.get("user"), now=action.env.clock.now())


def _method(function):
    """A rule that answers what ``function(ask)`` returns."""
    def rule(action, call: Call) -> Result:
        return Result(200, function(ask(action, call)))
    rule.__name__ = function.__name__
    rule.__doc__ = function.__doc__
    return rule


for _name, _function in {
    "carriers_by_ship_date": catalog.carriers_by_ship_date,
    "customer_details": documents.customer_details,
    "shipto_list": documents.shipto_list,
    "ecommerce_settings": catalog.settings,
    "customer_carriers": catalog.customer_carriers,
    "available_dates": catalog.available_dates,
    "inventory_get": catalog.inventory_get,
    "inventory_list": catalog.inventory_list,
    "invoice_details_list": documents.invoice_details_list,
    "invoice_list": documents.invoice_list,
    "prebook_list": documents.prebook_list,
    "web_order_details": weborders.details,
    "web_order_item_add": weborders.add_items,
    "web_order_item_delete": weborders.delete_item,
    "web_order_checkout": weborders.checkout,
    "web_order_create": weborders.create,
    "web_order_delete": weborders.cancel,
}.items():
    rules.rule(_name)(_method(_function))


@rules.rule("invoice_pdf")
def invoice_pdf(action, call: Call) -> Result:
    """The invoice drawn as a PDF, sent as Komet's comma-separated signed bytes."""
    k = ask(action, call)
    invoice_id = k.body.get("invoiceId")
    invoice = k.store["invoices"].get(invoice_id)
    if invoice is not None:
        k.allow_customer(invoice["customerId"])
    if invoice is None:
        raise ApiError(404, f"Invoice {invoice_id} was not found.", "not_found")
    customer = k.store["customers"].get(invoice["customerId"]) or {}
    data = pdf.render(invoice, customer, k.company(), distribute=bool(k.body.get("enableDistributeAdditionalCharges")),
                      show_charges_in_price=bool(k.body.get("addAdditionalChargesInUnitPrice")))
    return Result(200, {"message": "The invoice was successfully generated", "suggestedFileName": pdf.file_name(invoice),
                        "file": pdf.signed_bytes(data)})


@rules.rule("login")
def login(action, call: Call) -> Result:
    """A User token for a Komet user's username and password (401 otherwise)."""
    key = action.env.auth.login(call.params.get("username"), call.params.get("password"))
    if key is None:
        raise ApiError(401, "The username or password is not valid.", "unauthorized")
    return Result(200, {"status": "1", "message": "OK", "apiKey": key})


for _hook in ("fixture_customer", "fixture_shipto", "fixture_inventory", "fixture_invoice", "fixture_prebook"):
    rules.fixture(_hook)(getattr(seed, _hook))
