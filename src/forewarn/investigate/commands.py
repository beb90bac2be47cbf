"""The `forewarn` command that applies each recommended action, spelt once for every output.

The engine (`recommend`) decides what to do; this module only writes it the way the CLI takes
it, for the terminal, report.json and the HTML report alike. A replayed history (the demo)
gets `--now` at the moment the investigation reasoned from.
"""

from __future__ import annotations

import shlex
from typing import assert_never

from forewarn.domain.investigation import Recommendation, RecommendationKind


def command_line(action: Recommendation) -> str:
    """The exact `forewarn …` command that applies `action` (and records it in the audit log)."""
    argv: list[str]
    timed = True  # whether the command takes --now
    match action.kind:
        case RecommendationKind.MOVE_PATCH:
            assert action.target_date is not None
            argv = ["case", "reschedule", action.case_id]
            argv += ["--patch-planned", str(action.target_date), "--reason", action.audit_reason]
        case RecommendationKind.SUSPEND_PARTNER:
            argv = ["partner", "suspend", action.partner, "--reason", action.audit_reason]
        case RecommendationKind.NOTIFY_PARTNERS:
            argv = ["wave", "release", action.case_id]
        case RecommendationKind.REVIEW_PARTNERS:
            argv, timed = ["wave", "plan", action.case_id], False
        case RecommendationKind.OPEN_LINKED_CASE:
            linked = action.linked
            assert linked is not None
            argv = ["case", "create", linked.id, "--related", action.case_id]
            argv += ["--title", linked.title, "--product", linked.product]
            argv += [
                "--reported",
                str(linked.reported),
                "--patch-planned",
                str(linked.patch_planned),
            ]
            timed = False
        case _:
            assert_never(action.kind)
    if action.at is not None and timed:
        argv += ["--now", f"{action.at:%Y-%m-%dT%H:%M:%SZ}"]
    return " ".join(["forewarn", *(shlex.quote(a) for a in argv)])


__all__ = ["command_line"]
