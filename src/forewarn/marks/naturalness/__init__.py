"""How natural each kind of choice point is, measured on a fixed reference corpus.

A mark nobody notices is a choice careful programmers and writers make both ways. This package
counts, in the standard library of the running CPython (read and parsed, never imported), how
often each form of every kind of choice point the Python source and text channels use occurs,
and keeps a kind only when its rarer form is at least `MIN_SHARE` of its occurrences
(`table`). Schemes 5 and 6 use only the kinds kept here; `check` tests marked copies
against the table.

```python
table = measure()                         # the running Python's stdlib, ~1 min
table.row("python_source", "ifswap").kept
table.natural("python_source", "negcmp", 1)   # is `not a == b` a form people write?
```
"""

from forewarn.marks.naturalness.census import measure
from forewarn.marks.naturalness.table import MIN_COUNT, MIN_SHARE, NaturalnessTable, Row

__all__ = ["MIN_COUNT", "MIN_SHARE", "NaturalnessTable", "Row", "measure"]
