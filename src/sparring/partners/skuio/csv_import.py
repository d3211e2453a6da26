"""Customer CSV import and its preview.

The upload is the multipart part ``file``: a UTF-8 CSV of at most 512 KB and 1,000 rows whose
first row names the columns (``name`` required; the others are Create Customer's root fields).
A row whose name, zip and address1 match an existing customer updates it; any other valid row
creates one. Row errors are reported per row and field; the preview changes nothing and the
import applies only the valid rows. A file that is not CSV, is empty, has no header row or is too
big is a 422 for the whole request.
"""

from __future__ import annotations

import csv
import io
import re
import typing as t

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Namespace
from sparring.partners.skuio.common import now
from sparring.partners.skuio.customers import ADDRESS_FIELDS, CONTACT_FIELDS, apply_update, duplicate_of, email_taken, \
    new_customer, norm

MAX_BYTES = 512 * 1024
MAX_ROWS = 1000
COLUMNS = (*CONTACT_FIELDS, *ADDRESS_FIELDS)
LIMITS = {"zip": 20, "province_code": 10}
CSV_TYPES = {"text/csv", "application/csv", "text/x-csv", "application/vnd.ms-excel", "text/plain"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _file_error(message: str) -> ApiError:
    return ApiError.validation({"file": [message]})


def read_rows(upload: t.Any) -> list[tuple[int, dict[str, str | None]]]:
    """(line number, row) pairs from the uploaded file, or a 422 for the whole file."""
    if isinstance(upload, dict):
        content, filename, media = upload.get("content") or b"", upload.get("filename") or "", upload.get("content_type") or ""
    elif isinstance(upload, (str, bytes)):  # sent as a plain form field
        content, filename, media = upload, "", "text/csv"
    else:
        raise _file_error("The file field is required.")
    raw = content.encode() if isinstance(content, str) else content
    if len(raw) > MAX_BYTES:
        raise _file_error("The file may not be greater than 512 kilobytes.")
    media = media.split(";")[0].strip().lower()
    if not (filename.lower().endswith((".csv", ".txt")) or media in CSV_TYPES):
        raise _file_error("The file must be a file of type: csv, txt.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("The file must be UTF-8 text.") from None
    if "\x00" in text:
        raise _file_error("The file must be a file of type: csv, txt.")
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise _file_error("The file is not valid CSV.") from None
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise _file_error("The file is empty.")
    header = [cell.strip().lower() for cell in lines[0]]
    if "name" not in header:
        raise _file_error("The first row must name the columns, including name.")
    if len(lines) - 1 > MAX_ROWS:
        raise _file_error(f"The file may not have more than {MAX_ROWS} rows.")
    known = [(i, h) for i, h in enumerate(header) if h in COLUMNS]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        rows.append((number, {h: (line[i].strip() or None) if i < len(line) else None for i, h in known}))
    return rows


def _row_errors(ns: Namespace, row: dict, match: int | None, emails: dict[str, int], number: int) -> list[dict]:
    errors = []

    def fail(field: str, message: str) -> None:
        errors.append({"row": number, "field": field, "message": message})

    if not row.get("name"):
        fail("name", "The name field is required.")
    for field, value in row.items():
        if value is not None and len(value) > LIMITS.get(field, 255):
            fail(field, f"The {field} may not be greater than {LIMITS.get(field, 255)} characters.")
    email = row.get("email")
    if email:
        if not EMAIL.match(email):
            fail("email", "The email must be a valid email address.")
        elif email_taken(ns, email, match):
            fail("email", "The email has already been taken.")
        elif norm(email) in emails:
            fail("email", f"The email is also on row {emails[norm(email)]}.")
    code = row.get("country_code")
    if code is not None and not re.fullmatch(r"[A-Za-z]{2}", code):
        fail("country_code", "The country code must be 2 letters.")
    return errors


def plan(ns: Namespace, rows: list) -> tuple[list[dict], list[dict], list[tuple[dict, int | None]]]:
    """(row reports, errors, valid rows with the customer each updates or None)."""
    reports, errors, valid = [], [], []
    emails: dict[str, int] = {}
    keys: dict[tuple, int] = {}
    for number, row in rows:
        existing = duplicate_of(ns, row.get("name"), row.get("zip"), row.get("address1"))
        match = existing["id"] if existing else None
        row_errors = _row_errors(ns, row, match, emails, number)
        key = (norm(row.get("name")), norm(row.get("zip")), norm(row.get("address1")))
        if row.get("name") and key in keys:
            row_errors.append({"row": number, "field": "name",
                               "message": f"The same customer (name, zip, address1) is on row {keys[key]}."})
        if row_errors:
            errors.extend(row_errors)
            reports.append({"row": number, "action": "error", "customer_id": match})
            continue
        keys[key] = number
        if row.get("email"):
            emails[norm(row["email"])] = number
        valid.append((row, match))
        reports.append({"row": number, "action": "update" if match else "create", "customer_id": match})
    return reports, errors, valid


def _report(reports: list, errors: list) -> Result:
    count = {a: sum(1 for r in reports if r["action"] == a) for a in ("create", "update", "error")}
    return Result(200, {"total_rows": len(reports), "created": count["create"], "updated": count["update"],
                        "failed": count["error"], "rows": reports, "errors": errors})


def preview_import(action: Action, call: Call) -> Result:
    body = call.body if isinstance(call.body, dict) else {}
    reports, errors, _ = plan(call.state, read_rows(body.get("file")))
    return _report(reports, errors)


def import_customers(action: Action, call: Call) -> Result:
    ns, stamp = call.state, now(action)
    body = call.body if isinstance(call.body, dict) else {}
    reports, errors, valid = plan(ns, read_rows(body.get("file")))
    applied = iter(valid)
    for report in reports:
        if report["action"] == "error":
            continue
        row, match = next(applied)
        if match is None:
            report["customer_id"] = new_customer(ns, stamp, row)["id"]
        else:
            apply_update(ns, stamp, ns["customers"].get(match), row)
    return _report(reports, errors)
