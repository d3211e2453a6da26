"""invoice.pdf.get: a real PDF of the invoice, written the way Komet writes it.

The PDF is drawn with fpdf2: the company, the invoice number and dates, the customer with its
bill-to and ship-to, one row per line (product, box type, boxes, units, unit price, total), the
additional charges and the total. Komet sends the file as a Java byte array printed as text:
comma-separated signed values from -128 to 127 (``"37, 80, 68, 70, 45, ..."`` is ``%PDF-``).
"""

from __future__ import annotations

STATUS_NAMES = {0: "Pending", 1: "Confirmed", 2: "Draft", 4: "Voided"}


def signed_bytes(data: bytes) -> str:
    """Bytes as Komet's comma-separated signed values."""
    return ", ".join(str(b - 256 if b > 127 else b) for b in data)


def unsigned(text: str) -> bytes:
    """The inverse of :func:`signed_bytes`: what a client does with the ``file`` string."""
    return bytes((int(v) + 256) % 256 for v in text.split(","))


def file_name(invoice: dict) -> str:
    return f"Invoice #{invoice['number']:06d}.pdf"


def _text(value: object) -> str:
    """Core PDF fonts are Latin-1: anything else is replaced rather than refused."""
    return str("" if value is None else value).encode("latin-1", "replace").decode("latin-1")


def _money(value: float) -> str:
    return f"${value:,.2f}"


def render(invoice: dict, customer: dict, company: dict, *, distribute: bool = False,
           show_charges_in_price: bool = False) -> bytes:
    """The invoice as PDF bytes. ``distribute`` spreads the additional charges over the lines'
    unit prices; ``show_charges_in_price`` then also lists each charge under the lines."""
    lines = invoice.get("details") or []
    charges = invoice.get("additionalChargesDetails") or []
    charge_total = sum(c.get("amount", 0) for c in charges)
    subtotal = sum(d.get("totalPrice", 0) for d in lines)
    share = (charge_total / subtotal) if distribute and subtotal else 0.0

    from fpdf import FPDF  # here, not at import: fpdf and fontTools take a third of a second to load

    pdf = FPDF(format="letter")
    pdf.set_creation_date(_creation(invoice))
    pdf.set_title(_text(file_name(invoice)[:-4]))
    pdf.set_author(_text(company.get("name", "Komet Sales")))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(company.get("name", "Komet Sales")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Flower wholesale - invoice issued through Komet Sales", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, _text(f"Invoice #{invoice['number']:06d}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for label, value in (("Ship date", invoice.get("shipDate")), ("Status", STATUS_NAMES.get(invoice.get("status"), "")),
                         ("Carrier", invoice.get("carrierName")), ("Salesperson", invoice.get("salesPersonName"))):
        pdf.cell(0, 5, _text(f"{label}: {value or '-'}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, _text(f"Customer: {customer.get('name', invoice.get('customerName', ''))} "
                         f"({customer.get('code', invoice.get('customerCode', ''))})"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    bill = ", ".join(filter(None, (customer.get("billAddress"), customer.get("billCity"), customer.get("billState"),
                                   customer.get("billZipCode"))))
    ship = ", ".join(filter(None, (customer.get("shipAddress"), customer.get("shipCity"), customer.get("shipState"),
                                   customer.get("shipZipCode"))))
    pdf.cell(0, 5, _text(f"Bill to: {bill or '-'}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, _text(f"Ship to: {ship or '-'}"), new_x="LMARGIN", new_y="NEXT")
    if invoice.get("invoiceNotes"):
        pdf.cell(0, 5, _text(f"Notes: {invoice['invoiceNotes']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    widths = (76, 14, 16, 20, 28, 32)
    pdf.set_font("Helvetica", "B", 9)
    for width, title in zip(widths, ("Product", "Box", "Boxes", "Units", "Unit price", "Total")):
        pdf.cell(width, 6, title, border="B", align="L" if title in ("Product", "Box") else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in lines:
        unit_price = line.get("unitPrice", 0) * (1 + share)
        total = line.get("totalPrice", 0) * (1 + share)
        cells = (line.get("productDescription", ""), line.get("boxType", ""), line.get("totalBoxes", 0),
                 f"{line.get('totalUnits', 0)} {line.get('unitType', '')}".strip(), _money(unit_price), _money(total))
        for width, value in zip(widths, cells):
            pdf.cell(width, 6, _text(value)[:44], align="L" if width in (76, 14) else "R")
        pdf.ln()
    if not lines:
        pdf.cell(0, 6, "No lines.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    shown_charges = charges if (not distribute or show_charges_in_price) else []
    pdf.set_font("Helvetica", "", 10)
    summary = [("Subtotal", subtotal * (1 + share))]
    summary += [(f"{c.get('description', 'Charge')}{' (in unit prices)' if distribute else ''}", c.get("amount", 0))
                for c in shown_charges]
    for label, amount in summary:
        pdf.cell(sum(widths[:-1]), 6, _text(label), align="R")
        pdf.cell(widths[-1], 6, _money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(sum(widths[:-1]), 7, "Total", align="R")
    pdf.cell(widths[-1], 7, _money(subtotal + charge_total), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _creation(invoice: dict):
    """The invoice's own creation moment, so the same invoice always gives the same file."""
    import datetime as dt

    text = invoice.get("createdOn") or "2025-01-01 00:00:00"
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
