"""Fixture hooks: Norwegian-realistic customers, contacts and external-register records.

The recipe (``fixtures/flowretail.yaml``) picks tenants and counts; these hooks fill each record
from a Norwegian Faker seeded from the recipe's own generator, so the same seed gives the same
people, companies, addresses, phone numbers and organisation numbers on any machine.
"""

from __future__ import annotations

import functools
import typing as t

if t.TYPE_CHECKING:
    from faker import Faker

from sparring.engine import timestamps
from sparring.fake import moment_between
from sparring.partners.flowretail.norway import POSTAL_PLACES, make_mobile, make_organisation_number

_STAMP = timestamps.formatter("utc-millis")
_COMPANY_WORDS = ("Fjord", "Nordlys", "Vestland", "Bryggen", "Fjell", "Havbris", "Solstreif", "Nordkapp",
                  "Lofoten", "Kyst", "Skog", "Elve")
_COMPANY_TRADES = ("Kaffe", "Bygg", "Sport", "Interiør", "Regnskap", "Elektro", "Bakeri", "Transport",
                   "Design", "Blomster", "Sykkel", "Mat")
_COMPANY_FORMS = ("AS", "AS", "AS", "ASA", "ENK", "DA")


@functools.cache
def _norwegian_faker() -> Faker:
    """Made on the first seeding, not at import: a Faker locale costs about 0.1 s to load."""
    from faker import Faker

    return Faker("no_NO")


def _norwegian(fake: Faker) -> Faker:
    norwegian = _norwegian_faker()
    norwegian.seed_instance(fake.random.getrandbits(48))
    return norwegian


def _ascii(text: str) -> str:
    return (text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
            .replace(" ", "").replace("&", "og").replace(".", "").replace(",", ""))


def _person(no: Faker, company_domain: str | None = None) -> dict[str, str]:
    first, last = no.first_name(), no.last_name()
    domain = company_domain or no.random_element(("gmail.com", "online.no", "hotmail.com", "outlook.com"))
    email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
    return {"firstname": first, "lastname": last, "email": email, "mobile": make_mobile(no.random)}


def _company(no: Faker) -> tuple[str, str]:
    name = f"{no.random_element(_COMPANY_WORDS)}{no.random_element(_COMPANY_TRADES).lower()} " \
           f"{no.random_element(_COMPANY_FORMS)}"
    return name, _ascii(name.rsplit(" ", 1)[0]) + ".no"


def fixture_customer(record: dict, fake: Faker, namespace: t.Any) -> dict:
    """A person or a company of the record's tenant, with a Norwegian address, consents and, for
    most companies, an organisation number, ledger number and payment terms."""
    no = _norwegian(fake)
    postal, city = no.random_element(POSTAL_PLACES)
    company = record.get("customerType") == "COMPANY"
    person = _person(no)
    record.update(person)
    record.update(address=no.street_address(), postalCode=postal, city=city, countryCode="NO",
                  externalId=f"CRM-{no.random_int(10000, 99999)}", loyaltyId="", internalNote="",
                  origin=no.random_element(("POS", "WEBSHOP", "BACKOFFICE", "API")),
                  pricelistUid="", ledgerNumber="", vatNumber="", companyName="", paymentTerms=0,
                  credit={"limit": 0, "balance": 0},
                  accountManager={"tenantUserUid": "", "displayName": "", "userCode": ""})
    if company:
        name, domain = _company(no)
        contact = _person(no, domain)
        record.update(companyName=name, email=f"post@{domain}", displayName=name,
                      vatNumber=make_organisation_number(no.random),
                      ledgerNumber=f"{no.random_int(1, 99999):06d}",
                      paymentTerms=no.random_element((10, 14, 14, 30)),
                      credit={"limit": float(no.random_element((10000, 25000, 50000))),
                              "balance": float(no.random_int(0, 9000))},
                      accountManager={"tenantUserUid": f"user-{no.random_int(100, 999)}",
                                      "displayName": f"{contact['firstname']} {contact['lastname']}",
                                      "userCode": str(no.random_int(1000, 9999))},
                      pricelistUid=no.random_element(("", "pl-b2b", "pl-b2b")))
    else:
        record["displayName"] = f"{person['firstname']} {person['lastname']}"
        record["loyaltyId"] = f"LOY{no.random_int(100000, 999999)}" if no.random.random() < 0.6 else ""
    created = record.get("createdAt") or _STAMP(moment_between(fake, "2021-01-01", "2025-06-30"))
    record["addresses"] = [{
        "address": record["address"], "city": city, "companyName": record["companyName"] or None,
        "firstname": person["firstname"], "lastname": person["lastname"], "countryCode": "NO",
        "email": record["email"], "phone": record["mobile"], "postalCode": postal,
        "type": "DELIVERY_ADDRESS", "customerAddressUid": f"{record['customerUid']}-a1",
        "displayName": record["companyName"] or f"{person['firstname']} {person['lastname']}",
    }]
    record["consents"] = [
        {"consentUid": f"{record['customerUid']}-c{n}", "name": name, "status": no.random.random() < 0.7,
         "source": record["origin"], "createdAt": created}
        for n, name in enumerate(("EMAIL_MARKETING", "SMS_MARKETING"), 1)
    ]
    record["extensions"] = []
    record["contacts"] = []
    return record


def fixture_contact(record: dict, fake: Faker, namespace: t.Any) -> dict:
    """A contact person at a company customer, in the customer's tenant, with the company's domain."""
    no = _norwegian(fake)
    owner = namespace["customers"].get(record["customerUid"])
    domain = (owner.get("email") or "@firma.no").split("@")[-1]
    record.update(_person(no, domain))
    record["displayName"] = f"{record['firstname']} {record['lastname']}"
    record["tenantUid"] = owner["tenantUid"]
    record["extensions"] = []
    return record


def fixture_external(record: dict, fake: Faker, namespace: t.Any) -> dict:
    """A record of the simulated external CRM: people and companies not in the tenant's register."""
    no = _norwegian(fake)
    postal, city = no.random_element(POSTAL_PLACES)
    person = _person(no)
    company = no.random.random() < 0.4
    name, domain = _company(no) if company else ("", "")
    record.update(person, customerType="COMPANY" if company else "PERSON", companyName=name,
                  email=f"post@{domain}" if company else person["email"],
                  displayName=name or f"{person['firstname']} {person['lastname']}",
                  address=no.street_address(), postalCode=postal, city=city, countryCode="NO",
                  vatNumber=make_organisation_number(no.random) if company else "",
                  source=no.random_element(("Brønnøysundregistrene", "CRM", "Loyalty club")))
    return record
