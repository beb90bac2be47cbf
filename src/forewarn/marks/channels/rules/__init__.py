"""The rules channel: wording and order choices in YARA and Suricata rules."""

from forewarn.marks.channels.rules.channel import (
    RuleFormat,
    RulesChannel,
    plant_reference,
    rule_format,
)

__all__ = ["RuleFormat", "RulesChannel", "plant_reference", "rule_format"]
