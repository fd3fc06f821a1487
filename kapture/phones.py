"""Phones as people write them — ``(080) 2661 4433``, ``+91-98450-12345 ext 12`` — read with phonenumbers.

What goes to Kapture is the number alone, in one spelling: a number of the desk's own region as
its national digits, the way the vendor's examples write phones (``9380491257``), and any other
as E.164 (``+971501234567``), so Kapture matches a customer however the phone was typed.

Only what cannot be a phone is refused (too few or too many digits, letters). A number of the
right length that no phone plan hands out (``0000000000``, ``1111111111``) is sent all the same,
with ``real`` False, so the form can ask the person to look at it again.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import geocoder


@dataclass(frozen=True)
class Phone:
    """A typed phone and what would be sent for it; ``sent`` is empty when it cannot be a phone."""

    typed: str
    sent: str
    extension: str = ""  # Kapture's phone fields hold a number only: an extension is not sent
    real: bool = True  # False: the right length, but numbered as no real phone is (a warning only)
    country: str = ""  # where the number is from, in English ("India"), when known

    @property
    def is_phone(self) -> bool:
        return bool(self.sent) or not self.typed.strip()

    @property
    def changed(self) -> bool:
        """True when what is sent is spelt differently from what was typed."""
        return self.sent != self.typed.strip()


def read_phone(typed: str, region: str) -> Phone:
    """The phone as Kapture should get it; a number without +country is from ``region`` (IN, AE…)."""
    text = typed.strip()
    if not text:
        return Phone(typed, "")
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:  # no digits, letters, too long
        return Phone(typed, "")
    if not phonenumbers.is_possible_number(number):
        return Phone(typed, "")
    if phonenumbers.region_code_for_country_code(number.country_code) == region.upper():
        sent = phonenumbers.national_significant_number(number)
    else:
        sent = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # Validity is judged on phonenumbers' own numbering plans, which can lag behind a new range:
    # that is why it only warns.
    real = phonenumbers.is_valid_number(number)
    country = geocoder.country_name_for_number(number, "en")
    return Phone(typed, sent, number.extension or "", real=real, country=country)
