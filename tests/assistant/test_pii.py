"""Masking of personnummer, samordningsnummer, e-mail addresses and phone numbers."""

from __future__ import annotations

import io
import logging
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.pii import (
    PersonalDataFilter,
    install_log_masking,
    is_personnummer,
    luhn_valid,
    mask_personal_data,
)


def check_digit(nine: str) -> str:
    """The Luhn check digit that makes ``nine`` + digit a valid 10-digit number."""
    return next(str(d) for d in range(10) if luhn_valid(nine + str(d)))


def personnummer(born: date, serial: str = "123", samordning: bool = False) -> str:
    """A valid 12-digit number (no separator) for someone born on ``born``."""
    day = born.day + (60 if samordning else 0)
    nine = f"{born:%y%m}{day:02d}{serial}"
    return f"{born.year // 100}{nine}{check_digit(nine)}"


def forms(number12: str, plus: bool = False) -> list[str]:
    """The common written forms of one 12-digit number."""
    sep = "+" if plus else "-"
    ten = number12[2:]
    return [number12, f"{number12[:8]}-{number12[8:]}", ten, f"{ten[:6]}{sep}{ten[6:]}"]


def test_luhn_check() -> None:
    assert luhn_valid("8112189876")  # Skatteverket's example number
    assert not luhn_valid("8112189875")


@pytest.mark.parametrize("written", forms("198112189876"))
def test_personnummer_in_every_common_form_is_masked(written: str) -> None:
    text = f"Jag heter Anna, personnummer {written}, och undrar om bygglov."
    assert mask_personal_data(text) == (
        "Jag heter Anna, personnummer [personnummer], och undrar om bygglov.")


def test_personnummer_of_someone_over_100_with_plus_is_masked() -> None:
    number = personnummer(date(1919, 4, 2))
    assert mask_personal_data(f"född {number[2:8]}+{number[8:]}") == "född [personnummer]"


@pytest.mark.parametrize("written", forms(personnummer(date(1990, 2, 28), samordning=True)))
def test_samordningsnummer_is_masked(written: str) -> None:
    assert written[6:8] == "88" or written[4:6] == "88"  # day 28 + 60
    assert mask_personal_data(f"samordningsnummer {written}") == "samordningsnummer [personnummer]"


def test_number_failing_the_luhn_check_is_left_as_it_is() -> None:
    valid = personnummer(date(1985, 3, 12))
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    for written in forms(wrong):
        assert not is_personnummer(written)
        assert mask_personal_data(f"ärende {written}") == f"ärende {written}"


def test_luhn_valid_number_without_a_real_date_is_left_as_it_is() -> None:
    nine = "851332123"  # month 13
    number = nine + check_digit(nine)
    assert luhn_valid(number)
    assert mask_personal_data(f"nr {number}") == f"nr {number}"
    nine = "850230123"  # 30 February
    assert mask_personal_data(f"nr {nine}{check_digit(nine)}") == f"nr {nine}{check_digit(nine)}"


def test_samordningsnummer_day_beyond_the_month_is_left_as_it_is() -> None:
    nine = "850292123"  # day 92 - 60 = 32
    assert mask_personal_data(nine + check_digit(nine)) == nine + check_digit(nine)


def test_personnummer_inside_a_longer_number_is_left_as_it_is() -> None:
    inner = personnummer(date(1985, 3, 12))
    assert mask_personal_data(f"4{inner}7") == f"4{inner}7"


@pytest.mark.parametrize("address", [
    "anna.svensson@ljungby.se", "a+kommun@example.com", "förnamn.efternamn@kommun.nu",
])
def test_email_address_is_masked(address: str) -> None:
    assert mask_personal_data(f"Svara till {address}, tack.") == "Svara till [e-post], tack."


def test_text_that_only_looks_like_an_email_is_left() -> None:
    for text in ("Möte @ stadshuset", "ljungby.se", "anna@", "user@localhost"):
        assert mask_personal_data(text) == text


@pytest.mark.parametrize("phone", [
    "070-123 45 67", "0701234567", "070 123 45 67", "+46 70 123 45 67", "+46701234567",
    "0046 70 123 45 67", "08-123 456 78", "0470-123 45", "0470-41 000", "046-222 00 00",
    "020-123 456",
])
def test_swedish_phone_number_is_masked(phone: str) -> None:
    assert mask_personal_data(f"Ring mig på {phone} i morgon.") == "Ring mig på [telefon] i morgon."


def test_invalid_phone_number_is_left() -> None:
    for text in ("nummer 070-12", "ring 112", "kod 0000000"):
        assert mask_personal_data(text) == text


@pytest.mark.parametrize("text", [
    "Budgeten är 1 250 000 kronor för 2026.",
    "Beslutet togs 2026-05-12 och gäller 2026–2030.",
    "Planen gäller 20260101 till 20301231.",
    "Andelen ska öka till 12,5 procent (43 %).",
    "Enligt 3 kap. 5 § och 6 kap. 12 § kommunallagen (2017:725).",
    "Ljungby har 28 000 invånare och 5 000 företag.",
    "Dnr KS 2024/123-045, 8 500 000 kr, 1 000 000,50 kronor.",
    "Klockan 08.30–16.30, telefontid 10-12.",
    "Investeringen är 4 611 000 000 kronor.",
    "Antagen 02.01.2000, reviderad 2026/05/12.",
])
def test_amounts_dates_years_percentages_and_paragraphs_are_left(text: str) -> None:
    assert mask_personal_data(text) == text


def test_everything_masked_together() -> None:
    text = ("Jag (19811218-9876, anna@ljungby.se, 070-123 45 67) undrar om 1 250 000 kronor "
            "beslutade 2026-05-12.")
    assert mask_personal_data(text) == (
        "Jag ([personnummer], [e-post], [telefon]) undrar om 1 250 000 kronor beslutade "
        "2026-05-12.")


births = st.dates(min_value=date(1890, 1, 1), max_value=date(2025, 12, 31))
serials = st.from_regex(r"\A\d{3}\Z", fullmatch=True)


@settings(deadline=None)  # a loaded machine must not fail the test
@given(born=births, serial=serials, samordning=st.booleans(), form=st.integers(0, 3),
       before=st.sampled_from(["", "pnr ", "Mitt nummer är ", "("]),
       after=st.sampled_from(["", ".", " tack", ")", ", hej"]))
def test_generated_valid_numbers_are_always_masked(
    born: date, serial: str, samordning: bool, form: int, before: str, after: str
) -> None:
    written = forms(personnummer(born, serial, samordning))[form]
    assert mask_personal_data(f"{before}{written}{after}") == f"{before}[personnummer]{after}"


@settings(deadline=None)  # a loaded machine must not fail the test
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       style=st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%y%m%d"]))
def test_random_dates_are_never_masked(day: date, style: str) -> None:
    text = f"Beslutet togs {day.strftime(style)} av fullmäktige."
    assert mask_personal_data(text) == text


@settings(deadline=None)  # a loaded machine must not fail the test
@given(amount=st.integers(min_value=0, max_value=10**11),
       unit=st.sampled_from(["kronor", "kr", "tkr", "invånare", "procent"]))
def test_random_amounts_are_never_masked(amount: int, unit: str) -> None:
    grouped = f"{amount:,}".replace(",", " ")
    for written in (grouped, str(amount) if amount < 10**7 else grouped):
        text = f"Kostnaden är {written} {unit}."
        assert mask_personal_data(text) == text


@settings(deadline=None)  # a loaded machine must not fail the test
@given(start=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)),
       days=st.integers(0, 4000))
def test_random_date_ranges_are_never_masked(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    text = f"Gäller {start:%Y-%m-%d}–{end:%Y-%m-%d} ({start:%Y}-{end:%Y})."
    assert mask_personal_data(text) == text


def _logger_to(stream: io.StringIO) -> tuple[logging.Logger, logging.Handler]:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("styrdok.test.pii")
    logger.addHandler(handler)
    logger.propagate = False
    return logger, handler


def test_log_filter_masks_message_arguments_and_traceback() -> None:
    stream = io.StringIO()
    logger, handler = _logger_to(stream)
    handler.addFilter(PersonalDataFilter())
    try:
        logger.warning("fråga från %s: %s", "anna@ljungby.se", "pnr 811218-9876")
        try:
            raise ValueError("kunde inte svara på 'ring 070-123 45 67'")
        except ValueError:
            logger.exception("fel för 19811218-9876")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "fråga från [e-post]: pnr [personnummer]" in out
    assert "fel för [personnummer]" in out and "ring [telefon]" in out
    assert "ljungby.se" not in out and "9876" not in out and "45 67" not in out
    assert "Traceback" in out  # the traceback is kept, only masked


def test_log_filter_keeps_argument_types_for_formatters_that_read_them() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5", "GET",
                               "/?mail=anna@ljungby.se", "1.1", 200), None)
    assert PersonalDataFilter().filter(record)
    assert record.args == ("127.0.0.1:5", "GET", "/?mail=[e-post]", "1.1", 200)


def test_install_log_masking_reaches_existing_handlers() -> None:
    stream = io.StringIO()
    logger, handler = _logger_to(stream)
    try:
        assert install_log_masking() >= 1
        assert install_log_masking() == 0  # idempotent
        logger.error("kontakta 0470-410 00 eller 811218-9876")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().strip() == "ERROR kontakta [telefon] eller [personnummer]"


@settings(deadline=None)  # a loaded machine must not fail the test
@given(open_=st.times(), close=st.times(), sep=st.sampled_from([".", ":"]),
       dash=st.sampled_from(["-", "–", " – "]))
def test_random_opening_hours_are_never_masked(
    open_: time, close: time, sep: str, dash: str
) -> None:
    text = f"Öppet {open_:%H}{sep}{open_:%M}{dash}{close:%H}{sep}{close:%M} på vardagar."
    assert mask_personal_data(text) == text
