"""Detection rules written from a case's PoCs: YARA for the code, Suricata for its requests."""
