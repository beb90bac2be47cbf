"""forewarn.investigate: exposure sets, timeline hypotheses, accusations, recommendations, reports.

`engine.investigate` is pure (records in, conclusions out); `service.run_investigation` feeds it
from the program store, the audit log and traced evidence; `report` renders the result.
"""

from forewarn.investigate.engine import investigate
from forewarn.investigate.report import render_html, to_json, write_report
from forewarn.investigate.service import run_investigation

__all__ = ["investigate", "render_html", "run_investigation", "to_json", "write_report"]
