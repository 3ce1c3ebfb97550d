"""Personal data masking: personnummer, samordningsnummer, e-mail addresses and phone numbers.

``mask_personal_data(text)`` replaces each with a typed placeholder (``[personnummer]``,
``[e-post]``, ``[telefon]``) before anything is stored or logged. Questions are answered from
what was typed; only what is kept is masked.

Personnummer and samordningsnummer are recognised in their common forms (``YYMMDD-NNNN``,
``YYMMDDNNNN``, ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``+`` for people over 100) and masked only
when the date part is a real date (day + 60 for a samordningsnummer) and the 10-digit form passes
the Luhn check, so dates, amounts and other long numbers are left alone. Phone numbers are found
by Google's libphonenumber (``phonenumbers``), which only accepts numbers that are valid for
their region, so amounts, years and paragraph numbers are not taken for phone numbers.
:class:`PersonalDataFilter` masks log records the same way.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

import phonenumbers

PERSONNUMMER = "[personnummer]"
EMAIL = "[e-post]"
PHONE = "[telefon]"

_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
# Not part of a longer number: no digit (or digit and separator) directly before or after.
_PERSONNUMMER = re.compile(
    r"(?<![\d\-+])(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+ ]?)(?P<serial>\d{4})(?![\d])"
)
# Valid numbers to libphonenumber that in text are opening hours ("08.30–16.30") or dates
# ("02.01.2000", "2026/05/12").
_TIME = r"(?:[01]?\d|2[0-4])[.:][0-5]\d"
_DATE = r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2})"
_NOT_PHONE = re.compile(
    rf"{_TIME}(?:\s*[-–]\s*{_TIME})?|{_DATE}(?:\s*[-–]\s*{_DATE})?"
)
_CENTURIES = (18, 19, 20)
_SAMORDNING_OFFSET = 60


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by Swedish personal identity numbers."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _real_date(year: int, month: int, day: int) -> bool:
    if day > _SAMORDNING_OFFSET:
        day -= _SAMORDNING_OFFSET
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_personnummer(text: str) -> bool:
    """Whether ``text`` (one of the common forms) is a valid personnummer or samordningsnummer."""
    match = _PERSONNUMMER.fullmatch(text.strip())
    return match is not None and _valid_match(match)


def _valid_match(match: re.Match[str]) -> bool:
    century, yymmdd, serial = match["century"], match["date"], match["serial"]
    if not luhn_valid(yymmdd + serial):
        return False
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if century is not None:
        return int(century) in _CENTURIES and _real_date(int(century) * 100 + yy, month, day)
    if match["sep"] == " ":  # "850312 1234" only with the century, or it eats too much
        return False
    return any(_real_date(c * 100 + yy, month, day) for c in _CENTURIES)


def _mask_personnummer(text: str) -> str:
    return _PERSONNUMMER.sub(lambda m: PERSONNUMMER if _valid_match(m) else m.group(0), text)


def _looks_like_phone(raw: str) -> bool:
    # Phone numbers are written from a trunk prefix 0, "+" or "(0": a number starting with
    # another digit is an amount ("4 611 000 000" parses as +46 11 000 000).
    return raw[:1] in ("0", "+", "(") and _NOT_PHONE.fullmatch(raw) is None


def _mask_phone_numbers(text: str) -> str:
    found = phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID)
    spans = [(m.start, m.end) for m in found if _looks_like_phone(m.raw_string)]
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text


def mask_personal_data(text: str) -> str:
    """``text`` with personnummer, samordningsnummer, e-mail addresses and phone numbers masked."""
    if not text:
        return text
    masked = _EMAIL.sub(EMAIL, text)
    masked = _mask_personnummer(masked)
    if any(char.isdigit() for char in masked):
        masked = _mask_phone_numbers(masked)
    return masked


def mask_json_strings(value: Any) -> Any:
    """Every string inside nested lists and dicts masked (dict keys are left as they are)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {key: mask_json_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json_strings(item) for item in value]
    return value


class PersonalDataFilter(logging.Filter):
    """Masks personal data in a log record's message, arguments, traceback and stack.

    String arguments are masked one by one rather than merged into the message, because some
    formatters (uvicorn's access log) read ``record.args`` themselves.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_personal_data(record.msg)
        else:
            record.msg = mask_personal_data(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: _mask_arg(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_mask_arg(arg) for arg in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def _mask_arg(arg: Any) -> Any:
    if arg is None or isinstance(arg, bool | int | float):
        return arg
    return mask_personal_data(arg if isinstance(arg, str) else str(arg))


_FILTER = PersonalDataFilter()


def install_log_masking() -> int:
    """Add the masking filter to every handler that exists now (and Python's last-resort one).

    A filter on a handler sees the records propagated from every logger below it, which a filter
    on a logger does not. Idempotent; returns how many handlers got the filter.
    """
    handlers: list[logging.Handler] = list(logging.getLogger().handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.extend(logger.handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    added = 0
    for handler in handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(_FILTER)
            added += 1
    return added
