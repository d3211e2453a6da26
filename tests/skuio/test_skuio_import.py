"""CSV import and its preview, uploaded as multipart/form-data the way clients send files."""

from __future__ import annotations

CSV = ("name,company,email,address1,city,province_code,zip,country_code\n"
       "Rita Gomez,Gomez Goods,rita@gomezgoods.example.com,5 Elm St,Austin,TX,73301,US\n"
       "John Doe,Acme Corp,,123 Main St,Beverly Hills,CA,90210,US\n"
       ",Nameless Inc,not-an-email,1 Nowhere,Austin,TX,73301,USA\n")


def upload(content: str | bytes, filename: str = "customers.csv", media: str = "text/csv") -> dict:
    return {"files": {"file": (filename, content.encode() if isinstance(content, str) else content, media)}}


def test_preview_reports_each_row_and_changes_nothing(api):
    data = api.post("/import/preview", **upload(CSV)).json()["data"]
    assert (data["total_rows"], data["created"], data["updated"], data["failed"]) == (3, 1, 1, 1)
    assert data["rows"] == [{"row": 2, "action": "create", "customer_id": None},
                            {"row": 3, "action": "update", "customer_id": 1},
                            {"row": 4, "action": "error", "customer_id": None}]
    assert {(e["row"], e["field"]) for e in data["errors"]} == {(4, "name"), (4, "email"), (4, "country_code")}
    assert api.get(params={"search": "Gomez"}).json()["total"] == 0


def test_import_applies_valid_rows_and_reports_the_rest(api):
    data = api.post("/import", **upload(CSV)).json()["data"]
    assert (data["created"], data["updated"], data["failed"]) == (1, 1, 1)
    created = data["rows"][0]["customer_id"]
    customer = api.get(f"/{created}").json()["data"]
    assert customer["name"] == "Rita Gomez" and customer["default_shipping_address"]["zip"] == "73301"
    assert api.get("/1").json()["data"]["company"] == "Acme Corp"
    again = api.post("/import/preview", **upload(CSV)).json()["data"]
    assert again["rows"][0] == {"row": 2, "action": "update", "customer_id": created}


def test_rows_clash_with_each_other_and_with_stored_emails(api):
    csv = ("name,email,zip,address1\n"
           "A One,dup@x.example.com,1,1 A St\n"
           "B Two,DUP@x.example.com,2,2 B St\n"
           "C Three,orders@harborsupply.example.com,3,3 C St\n"
           "A One,,1,1 A St\n")
    data = api.post("/import/preview", **upload(csv)).json()["data"]
    assert [r["action"] for r in data["rows"]] == ["create", "error", "error", "error"]


def test_files_that_are_not_a_customers_csv_are_422(api):
    for kwargs in (upload("%PDF-1.4 binary", "customers.pdf", "application/pdf"),
                   upload(b"\xff\xfe\x00n\x00a", "customers.csv"),
                   upload("", "customers.csv"),
                   upload("Rita Gomez,5 Elm St\nJohn Doe,123 Main St\n"),
                   upload("name\n" + "x" * (600 * 1024))):
        body = api.post("/import", 422, **kwargs).json()
        assert list(body["errors"]) == ["file"], body
    api.post("/import/preview", 422, data={"other": "x"}, files={"nothing": ("a.txt", b"", "text/plain")})
    assert api.get().json()["total"] == 25


def test_a_text_csv_without_a_csv_content_type_is_accepted_by_its_name(api):
    assert api.post("/import/preview", **upload(CSV, "customers.csv", "application/octet-stream")).json()["data"]["created"] == 1
