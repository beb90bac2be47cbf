"""A shipped scenario's sources: the facts it takes from public reporting, and what it invents.

Every scenario folder has a `facts.yaml`: each fact names the publications and dates it comes
from, and `invented` lists what the scenario adds or changes, so a reader can tell the history
from the story. The demo prints where its facts come from; a test checks every file.
"""

from __future__ import annotations

from pathlib import Path

import pydantic
import yaml

from forewarn.errors import ValidationError

_DATE = r"^\d{4}-\d{2}(-\d{2})?$"


class Source(pydantic.BaseModel):
    """One publication a fact comes from."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    publication: str = pydantic.Field(min_length=2)
    date: str = pydantic.Field(pattern=_DATE)
    title: str = pydantic.Field(min_length=2)
    url: str | None = None

    @pydantic.field_validator("date", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return value.isoformat() if hasattr(value, "isoformat") else value

    def cite(self) -> str:
        """`The Inquirer, 2012-03-16`."""
        return f"{self.publication}, {self.date}"


class Fact(pydantic.BaseModel):
    """One fact from public reporting and what the scenario makes of it."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    fact: str = pydantic.Field(min_length=10)
    used_as: str = pydantic.Field(min_length=3)
    sources: list[Source] = pydantic.Field(min_length=1)


class ScenarioFacts(pydantic.BaseModel):
    """A scenario's `facts.yaml`."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    title: str = pydantic.Field(min_length=3)
    story: str = pydantic.Field(min_length=10)
    facts: list[Fact] = pydantic.Field(min_length=1)
    invented: list[str] = pydantic.Field(min_length=1)

    def publications(self) -> list[str]:
        """Every source cited, once each, in the order first cited."""
        seen: dict[str, None] = {}
        for fact in self.facts:
            for source in fact.sources:
                seen.setdefault(source.cite(), None)
        return list(seen)


def load_facts(path: Path) -> ScenarioFacts:
    """Parse and check a `facts.yaml`."""
    try:
        return ScenarioFacts.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, pydantic.ValidationError) as exc:
        raise ValidationError(f"cannot read the scenario's facts {path}: {exc}") from exc


__all__ = ["Fact", "ScenarioFacts", "Source", "load_facts"]
