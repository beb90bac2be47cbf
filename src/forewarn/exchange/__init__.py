"""Standards in and out: detection rules (YARA, Suricata); pure, no database and no clock."""
