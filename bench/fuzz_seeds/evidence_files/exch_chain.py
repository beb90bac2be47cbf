"""A tool found on a paste site (a manifest only registers it)."""

print("probe")
