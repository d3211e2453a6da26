"""Norwegian facts the Flow Retail rules and fixtures need: organisation numbers, phone numbers,
country codes and a few real postal places.

An organisation number (organisasjonsnummer) is nine digits whose last digit is a mod-11 check
digit over the first eight with the weights 3 2 7 6 5 4 3 2; a remainder that would give 10 makes
the number invalid. VAT-registered companies write it as ``NO 123456789 MVA``.
"""

from __future__ import annotations

import functools
import re

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2, as Faker's address provider lists them (faker loads here, on first use)."""
    from faker.providers.address import Provider

    return frozenset(Provider.alpha_2_country_codes)

# (postal code, place): real pairs, so fixture addresses look like Norway
POSTAL_PLACES = (
    ("0150", "Oslo"), ("0355", "Oslo"), ("0661", "Oslo"), ("5003", "Bergen"), ("5089", "Bergen"),
    ("7010", "Trondheim"), ("4006", "Stavanger"), ("9008", "Tromsø"), ("3015", "Drammen"),
    ("1606", "Fredrikstad"), ("4610", "Kristiansand"), ("2317", "Hamar"), ("6002", "Ålesund"),
    ("8006", "Bodø"), ("1530", "Moss"), ("3110", "Tønsberg"), ("2609", "Lillehammer"),
    ("5527", "Haugesund"), ("1440", "Drøbak"), ("3717", "Skien"),
)


def check_digit(first_eight: str) -> int | None:
    """The mod-11 check digit for eight digits, or None when no digit fits (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS)) % 11
    digit = 0 if remainder == 0 else 11 - remainder
    return None if digit == 10 else digit


def organisation_number(value: str) -> str | None:
    """The nine digits of a valid organisation number written as ``923609016``, ``923 609 016``
    or ``NO 923609016 MVA``; None when it is not one."""
    text = re.sub(r"[\s.\-_]", "", value.upper())
    match = re.fullmatch(r"(?:NO)?(\d{9})(?:MVA)?", text)
    if not match:
        return None
    digits = match.group(1)
    return digits if check_digit(digits[:8]) == int(digits[8]) else None


def make_organisation_number(random) -> str:
    """A valid organisation number (first digit 8 or 9, as the register hands them out)."""
    while True:
        head = str(random.choice((8, 9))) + "".join(str(random.randint(0, 9)) for _ in range(7))
        digit = check_digit(head)
        if digit is not None:
            return head + str(digit)


def phone_digits(value: str) -> str:
    """A phone number reduced to its national digits: spaces, dashes and a +47 / 0047 prefix go."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) > 8 and digits.startswith("47"):
        digits = digits[2:]
    return digits


def make_mobile(random) -> str:
    """A Norwegian mobile number (eight digits from 4 or 9), written the way POS users type them."""
    digits = random.choice("49") + "".join(str(random.randint(0, 9)) for _ in range(7))
    style = random.randint(0, 2)
    if style == 0:
        return f"+47{digits}"
    if style == 1:
        return f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"
    return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
