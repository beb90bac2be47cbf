"""Threat-intel JSON documents open into their prose; other JSON is left to the capture readers."""

from __future__ import annotations

import json

from forewarn.hunt.readers import ItemKind, read_bytes
from forewarn.hunt.readers.documents import PROSE_MEMBER, DocumentReader, prose

CSAF = {
    "document": {
        "csaf_version": "2.0",
        "title": "Request chain",
        "notes": [
            {
                "title": "Summary of it",
                "text": "A flaw lets an attacker in.\nSecond line.",
                "category": "summary",
            },
            {
                "title": "Again",
                "text": "A flaw lets an attacker in.\nSecond line.",
                "category": "x",
            },
        ],
        "tracking": {"id": "FW-1", "initial_release_date": "2021-02-23T09:00:00Z"},
    }
}


def test_a_csaf_document_opens_into_its_prose_once_each_in_order() -> None:
    (item,) = read_bytes("leak.json", json.dumps(CSAF).encode())
    assert item.path == f"leak.json!{PROSE_MEMBER}" and item.kind is ItemKind.TEXT
    text = item.text(1 << 20)
    assert text.count("A flaw lets an attacker in.\nSecond line.") == 1  # unescaped, once
    assert text.index("Summary of it") < text.index("A flaw")
    assert "FW-1" not in text and "2021-02-23" not in text and "summary" not in text


def test_stix_misp_and_cve_documents_are_recognised_but_other_json_is_not() -> None:
    reader = DocumentReader()
    assert reader.sniff(b'{"type": "bundle", "id": "bundle--1", "objects": []}')
    assert reader.sniff(b'\xef\xbb\xbf {"Event": {"info": "x"}}')
    assert reader.sniff(b'{"dataType": "CVE_RECORD"}')
    assert not reader.sniff(b'{"log": {"version": "1.2", "entries": []}}')  # a HAR capture
    assert not reader.sniff(b'{"timestamp": "2021", "event_type": "http"}\n')  # Suricata eve
    (har,) = read_bytes("x.har", b'{"log": {"version": "1.2", "creator": {}, "entries": []}}')
    assert har.kind is not ItemKind.TEXT or not har.path.endswith(PROSE_MEMBER)


def test_a_broken_document_is_one_refused_item() -> None:
    (item,) = read_bytes("bad.json", b'{"csaf_version": "2.0", "document": [')
    assert item.error is not None and "json document" in item.error
    deep = b'{"csaf_version": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    (nested,) = read_bytes("deep.json", deep)
    assert nested.error is None or "json document" in nested.error


def test_prose_of_nothing_is_empty() -> None:
    assert prose({"a": 1, "b": ["x", None, True]}) == ""
