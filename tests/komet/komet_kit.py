"""Komet's demo tokens and the helpers its tests share."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

CUSTOMER = "customer-token"  # bound to customer 7349
COMPANY = "company-token"  # any customer
INVOICES = "invoices-token"  # bound to customer 7343, customer and invoice methods only
ME, OTHER = 7349, 7343
ACCOUNT = "12333"
TOKENS = {CUSTOMER: "komet-customer-demo-token", COMPANY: "komet-company-demo-token",
          INVOICES: "komet-invoices-demo-token"}


def pdf_text(file_field: str) -> str:
    """What a client does with invoice.pdf.get's ``file``: signed bytes back to a PDF, then its text."""
    data = bytes((int(v) + 256) % 256 for v in file_field.split(","))
    assert data.startswith(b"%PDF-"), data[:20]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def shared_day(api, origins=(1, 2)) -> tuple[str, dict[int, dict]]:
    """A July 2025 day on which the catalog offers lines of every origin asked for, and one line of each."""
    for n in range(31):
        day = (dt.date(2025, 7, 1) + dt.timedelta(days=n)).isoformat()
        lines = api.get("/api/ecommerce/inventory.list", params={"customerId": 7349, "availableDate": day,
                                                                  "rows": 1000}).json()["inventory"]
        by_origin = {}
        for line in lines:
            if line["availableQuantity"] >= 4:
                by_origin.setdefault(line["inventoryOrigin"], line)
        if all(o in by_origin for o in origins):
            return day, by_origin
    raise AssertionError(f"no July day offers origins {origins}")
