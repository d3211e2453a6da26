"""Realistic, deterministic values for fixture records, chosen by field name and schema.

Records of one collection are made one at a time from a *persona*: a company with its domain, a
contact person, a US address and a phone, so that a record's email matches its company and its
zip matches its state. A field is filled by the first rule that matches its name; a recipe can
override any field with a Faker provider name or a template over the record's other fields.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
import unicodedata

if t.TYPE_CHECKING:  # faker itself loads on the first seeding (fixtures.py), not at start-up
    from faker import Faker

from sparring.engine import timestamps
from sparring.engine.timestamps import UTC

# Fixture dates fall in a fixed window, never relative to today, so a seed gives the same data on any day.
TIMELINE = ("2021-01-01", "2025-06-30")


def slug(text: str, sep: str = "-") -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", sep, text).strip(sep)


class Persona(dict):
    """The facts one record is made from; templates in recipes read them as ``{company}`` etc."""

    @classmethod
    def make(cls, fake: Faker) -> "Persona":
        company = fake.company()
        words = [w for w in re.split(r"[\s,.-]+", company) if w and w.lower() not in {"and", "llc", "inc", "ltd", "plc", "group", "the"}]
        domain = (slug("".join(words[:2]), "").lower() or "example") + ".example.com"
        first, last = fake.first_name(), fake.last_name()
        state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        return cls(
            company=company,
            company_code=slug(" ".join(words[:2]) or company).upper()[:20].strip("-"),
            domain=domain,
            first_name=first,
            last_name=last,
            contact=f"{first} {last}",
            street=f"{fake.building_number()} {fake.street_name()}",
            secondary=fake.secondary_address() if fake.random.random() < 0.3 else "",
            city=fake.city(),
            state=state,
            zip=fake.zipcode_in_state(state),
            country="US",
            phone=fake.numerify("###-###-####"),
            fax=fake.numerify("###-###-####") if fake.random.random() < 0.4 else "",
        )


# field-name pattern -> value from (fake, persona); first match wins
_RULES: list[tuple[str, t.Callable[[Faker, Persona], t.Any]]] = [
    (r"^(company|company_?name|name)$", lambda f, p: p["company"]),
    (r"^(short_?id|code|customer_?code)$", lambda f, p: p["company_code"]),
    (r"email", lambda f, p: f"{f.random_element(['orders', 'purchasing', 'accounts', 'info', 'receiving'])}@{p['domain']}"),
    (r"^(contact|contact_?name)$", lambda f, p: p["contact"]),
    (r"^first_?name$", lambda f, p: p["first_name"]),
    (r"^last_?name$", lambda f, p: p["last_name"]),
    (r"^(address_?1|address|street|address_?line_?1)$", lambda f, p: p["street"]),
    (r"^(address_?2|address_?line_?2)$", lambda f, p: p["secondary"]),
    (r"^address_?3$", lambda f, p: ""),
    (r"^city$", lambda f, p: p["city"]),
    (r"^(state|province|region)(_?code)?$", lambda f, p: p["state"]),
    (r"^(zip|zip_?code|postal_?code|postcode)$", lambda f, p: p["zip"]),
    (r"^country(_?code)?$", lambda f, p: p["country"]),
    (r"phone", lambda f, p: p["phone"]),
    (r"fax", lambda f, p: p["fax"]),
    (r"^(url|website)$", lambda f, p: f"https://www.{p['domain']}"),
    (r"(description|notes?|comment)", lambda f, p: f.sentence(nb_words=8)),
    (r"sku", lambda f, p: f.bothify("???-#####").upper()),
    (r"(price|amount|cost|total)", lambda f, p: round(f.pyfloat(min_value=1, max_value=500, right_digits=2), 2)),
    (r"(quantity|qty|stock|inventory)", lambda f, p: f.random_int(0, 500)),
]
_COMPILED = [(re.compile(pattern, re.I), rule) for pattern, rule in _RULES]


def value_for(name: str, schema: dict, fake: Faker, persona: Persona) -> t.Any:
    """A plausible value for field ``name`` of this schema."""
    if "enum" in schema:
        return fake.random_element([v for v in schema["enum"] if v is not None] or [None])
    kind = schema.get("type", "string")
    if kind == "string":
        for pattern, rule in _COMPILED:
            if pattern.search(name):
                return rule(fake, persona)
        fmt = schema.get("format")
        if fmt == "date-time":
            return moment_between(fake, *TIMELINE).isoformat().replace("+00:00", "Z")
        if fmt == "date":
            return moment_between(fake, *TIMELINE).date().isoformat()
        if fmt == "uuid":
            return str(fake.uuid4())
        if fmt == "email":
            return f"info@{persona['domain']}"
        return fake.word()
    if kind == "integer":
        for pattern, rule in _COMPILED:
            if pattern.search(name):
                value = rule(fake, persona)
                if isinstance(value, (int, float)):
                    return int(value)
        return fake.random_int(schema.get("minimum", 0), schema.get("maximum", 1000))
    if kind == "number":
        return round(fake.pyfloat(min_value=schema.get("minimum", 0), max_value=schema.get("maximum", 1000), right_digits=2), 2)
    if kind == "boolean":
        return fake.boolean(80)
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return None


def moment_between(fake: Faker, start: str | dt.datetime, end: str | dt.datetime) -> dt.datetime:
    """A UTC datetime, to the second, between two ISO dates or datetimes."""
    def bound(value: str | dt.datetime) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return timestamps.parse(str(value))
    low, high = bound(start), bound(end)
    seconds = int((high - low).total_seconds())
    return low + dt.timedelta(seconds=fake.random_int(0, max(seconds, 0)))
