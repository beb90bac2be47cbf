"""Domain rules on user input: names, countries, CVE ids, CVSS, age keys, dates and times.

Every check raises `forewarn.errors.ValidationError` with a message a user can act on, and
returns the value in its canonical form (`us` → `US`). Parsing and formatting of times, time
points and durations live here too, so the CLI and the program file read them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import pycountry
from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError
from pyrage import RecipientError, x25519

from forewarn.domain.cases import Cvss
from forewarn.domain.partners import Tier
from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.errors import ValidationError

MAX_NAME_LENGTH = 200
"""Longest partner name, program name or case title part we accept."""

CVE_PATTERN = re.compile(r"^CVE-(?P<year>\d{4})-(?P<number>\d{4,19})$")
"""CVE id syntax: `CVE-YYYY-NNNN` with four or more digits."""

CASE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""Case ids are used as directory names on export, so they stay file-name safe."""

ARTIFACT_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")
"""Artifact names are file names without directories."""

TIER_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
"""Tier names are slugs such as `early-access`."""

EMAIL_PATTERN = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]+$")
"""A plausible address, without control characters (a NUL or an escape that would reach a
mail header or the store); deliverability is not our business."""

DURATION_PATTERN = re.compile(r"^\s*(?P<amount>\d+)\s*(?P<unit>[ydhms])\s*$")
"""Durations such as `3y`, `14d`, `36h`, `90m`, `30s` (a year is 365 days)."""

_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
"""The units a duration is written in, largest first (`format_duration` picks one)."""
_READ_UNIT_SECONDS = {"y": 365 * 86_400, **_UNIT_SECONDS}
"""The units a duration is read in: policies also count in years."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def require_name(value: str, what: str = "name") -> str:
    """A non-empty single-line name, stripped."""
    name = value.strip()
    if not name:
        raise ValidationError(f"{what} is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"{what} is longer than {MAX_NAME_LENGTH} characters")
    if _CONTROL.search(name):
        raise ValidationError(f"{what} {name!r} contains control characters")
    return name


_DOMAIN = re.compile(r"^(?=.{4,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_domains(domains: Iterable[str]) -> tuple[str, ...]:
    """Host-token domains, lower-cased and without duplicates: DNS names of two labels or more
    (`t.example.net`), no trailing dot."""
    out: list[str] = []
    for raw in domains:
        domain = raw.strip().lower().rstrip(".")
        if not _DOMAIN.match(domain):
            raise ValidationError(
                f"{raw!r} is not a domain name", hint="give a DNS name such as t.example.net"
            )
        if domain not in out:
            out.append(domain)
    return tuple(out)


def validate_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 country code, upper case."""
    upper = code.strip().upper()
    if len(upper) != 2 or pycountry.countries.get(alpha_2=upper) is None:
        raise ValidationError(
            f"unknown country {code!r}", hint="use an ISO 3166-1 alpha-2 code such as US or DE"
        )
    return upper


def validate_cve(cve: str) -> str:
    """A CVE id in canonical upper case."""
    canonical = cve.strip().upper()
    if not CVE_PATTERN.match(canonical):
        raise ValidationError(
            f"bad CVE id {cve!r}", hint="expected CVE-YYYY-NNNN with four or more digits"
        )
    return canonical


def validate_cves(cves: Iterable[str]) -> tuple[str, ...]:
    """CVE ids, each checked, without duplicates."""
    result = tuple(validate_cve(cve) for cve in cves)
    if len(set(result)) != len(result):
        raise ValidationError("a CVE id is listed twice")
    return result


def parse_cvss(vector: str) -> Cvss:
    """Parse and score a CVSS v3.1 or v4.0 base vector with the `cvss` package."""
    text = vector.strip()
    try:
        if text.startswith("CVSS:3.1/"):
            v3 = CVSS3(text)
            return Cvss(
                vector=text,
                version="3.1",
                base_score=float(v3.scores()[0]),
                severity=str(v3.severities()[0]),
            )
        if text.startswith("CVSS:4.0/"):
            v4 = CVSS4(text)
            return Cvss(
                vector=text,
                version="4.0",
                base_score=float(v4.base_score),
                severity=str(v4.severity),
            )
    except CVSSError as exc:
        raise ValidationError(f"bad CVSS vector {vector!r}: {exc}") from exc
    raise ValidationError(
        f"bad CVSS vector {vector!r}", hint="it must start with CVSS:3.1/ or CVSS:4.0/"
    )


def validate_age_recipient(key: str) -> str:
    """An age X25519 recipient (`age1…`), checked by parsing it."""
    text = key.strip()
    if "SECRET-KEY" in text.upper():
        raise ValidationError(
            "that is an age secret key, not a recipient (it was not stored or shown)",
            hint="give the public recipient age1…, from `age-keygen -y KEYFILE`; "
            "treat the pasted secret key as exposed",
        )
    try:
        x25519.Recipient.from_str(text)
    except RecipientError as exc:
        shown = text if len(text) <= 80 else f"{text[:20]}…"
        raise ValidationError(f"bad age recipient {shown!r}: {exc}") from exc
    return text


def validate_email(address: str) -> str:
    """A contact address of plausible shape."""
    text = address.strip()
    if not EMAIL_PATTERN.match(text):
        raise ValidationError(f"bad email address {address!r}")
    return text


def validate_case_id(case_id: str) -> str:
    """A file-name-safe case id such as `FW-2021-0001`."""
    if not CASE_ID_PATTERN.match(case_id):
        raise ValidationError(
            f"bad case id {case_id!r}", hint="use letters, digits, '.', '_' and '-' (max 64)"
        )
    return case_id


def validate_artifact_name(name: str) -> str:
    """A plain file name (no directories) such as `poc.py`."""
    if not ARTIFACT_NAME_PATTERN.match(name) or name in {".", ".."}:
        raise ValidationError(
            f"bad artifact name {name!r}", hint="use a plain file name such as poc.py"
        )
    return name


def validate_case_dates(
    reported: date, patch_planned: date, patch_actual: date | None = None
) -> None:
    """The patch cannot be planned (or ship) before the report arrived."""
    if patch_planned < reported:
        raise ValidationError(
            f"planned patch date {patch_planned} is before the report date {reported}"
        )
    if patch_actual is not None and patch_actual < reported:
        raise ValidationError(
            f"actual patch date {patch_actual} is before the report date {reported}"
        )


MAX_RANK = 1_000_000
"""Largest tier rank magnitude (ranks only order tiers)."""


def validate_tiers(tiers: Iterable[Tier]) -> tuple[Tier, ...]:
    """At least one tier, slug names, names and ranks unique, lead times not negative."""
    result = tuple(tiers)
    if not result:
        raise ValidationError("a program needs at least one tier")
    for tier in result:
        if not TIER_NAME_PATTERN.match(tier.name):
            raise ValidationError(f"bad tier name {tier.name!r}", hint="use a slug: early-access")
        if tier.lead_time < timedelta(0):
            raise ValidationError(f"tier {tier.name!r} has a negative lead time")
        if tier.lead_time > MAX_DURATION:
            raise ValidationError(f"tier {tier.name!r} has a lead time over a century")
        if abs(tier.rank) > MAX_RANK:
            raise ValidationError(f"tier {tier.name!r} has rank {tier.rank}, beyond ±{MAX_RANK}")
    if len({tier.name for tier in result}) != len(result):
        raise ValidationError("two tiers have the same name")
    if len({tier.rank for tier in result}) != len(result):
        raise ValidationError("two tiers have the same rank")
    return result


EARLIEST = date(1900, 1, 1)
"""Earliest date or instant accepted: nothing a program records is older."""
LATEST = date(2999, 12, 31)
"""Latest date or instant accepted, far enough from the calendar's end that adding any allowed
lead time, delay or duration cannot overflow."""
MAX_DURATION = timedelta(days=36_525)
"""Longest duration accepted (a century): lead times, delays and rule windows stay far below."""


def require_in_calendar(value: date, what: str) -> None:
    """`value` between `EARLIEST` and `LATEST`, else a `ValidationError`."""
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(
            f"{what} {value.isoformat()} is outside {EARLIEST.year}–{LATEST.year}",
            hint="check the year",
        )


def parse_date(text: str) -> date:
    """A calendar date `YYYY-MM-DD` between `EARLIEST` and `LATEST`."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(f"bad date {text!r}", hint="expected YYYY-MM-DD") from exc
    require_in_calendar(value, "date")
    return value


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with a zone (`Z` or an offset), returned in UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            f"bad time {text!r}", hint="expected ISO 8601 such as 2021-02-23T09:00:00Z"
        ) from exc
    if value.tzinfo is None:
        raise ValidationError(f"time {text!r} has no zone", hint="add Z or an offset like +01:00")
    require_in_calendar(value.date(), "time")
    return value.astimezone(UTC)


def format_instant(value: datetime) -> str:
    """`2021-02-23T09:00:00Z`, with microseconds only when there are some."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time_point(text: str) -> TimePoint:
    """`YYYY-MM` (month), `YYYY-MM-DD` (day) or an instant with a zone."""
    raw = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}", raw):
        try:
            start = datetime(int(raw[:4]), int(raw[5:]), 1, tzinfo=UTC)
        except ValueError as exc:
            raise ValidationError(f"bad month {text!r}") from exc
        require_in_calendar(start.date(), "month")
        return TimePoint(start=start, precision=TimePrecision.MONTH)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        day = parse_date(raw)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return TimePoint(start=start, precision=TimePrecision.DAY)
    return TimePoint(start=parse_instant(raw), precision=TimePrecision.INSTANT)


def format_time_point(point: TimePoint) -> str:
    """The inverse of `parse_time_point`."""
    if point.precision is TimePrecision.INSTANT:
        return format_instant(point.start)
    return str(point)


def parse_duration(text: str) -> timedelta:
    """`3y`, `14d`, `36h`, `90m` or `30s`: the one reader of durations (flags, program files,
    policy rules)."""
    match = DURATION_PATTERN.match(str(text))
    if not match:
        raise ValidationError(f"not a duration: {text!r}", hint="write it as 14d, 36h, 90m or 3y")
    seconds = int(match["amount"]) * _READ_UNIT_SECONDS[match["unit"]]
    return require_duration(seconds, text)


def require_duration(seconds: int, text: str) -> timedelta:
    """`seconds` as a duration no longer than `MAX_DURATION`."""
    if seconds > MAX_DURATION.total_seconds():
        raise ValidationError(f"duration {text!r} is longer than a century", hint="check the unit")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The largest whole unit: `14d`, `36h`, `90m` or `30s`."""
    seconds = int(value.total_seconds())
    for unit, size in _UNIT_SECONDS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise AssertionError("unreachable: every integer is a whole number of seconds")
