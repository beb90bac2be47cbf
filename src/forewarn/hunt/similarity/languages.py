"""The node-type rules that abstract the tree-sitter grammars (`forewarn.grammars`) uniformly."""

from __future__ import annotations

import functools

_STRINGS = frozenset(
    {
        "string",
        "string_literal",
        "raw_string_literal",
        "char_literal",
        "character_literal",
        "template_string",
        "verbatim_string_literal",
        "interpolated_string_expression",
        "expandable_string_literal",
        "verbatim_string_characters",
        "raw_string",
        "concatenated_string",
        "heredoc_body",
        "text_block",
        "ansi_c_string",
        "here_string",
    }
)
_NUMBERS = ("integer", "float", "number", "decimal", "hex_", "octal", "binary_integer", "real")
_SEQUENCES = (
    "block",
    "body",
    "module",
    "program",
    "translation_unit",
    "compilation_unit",
    "declaration_list",
    "statement_list",
)
_FUNCTIONS = ("function_definition", "method_declaration", "function_declaration")
_FUNCTIONS_MORE = ("constructor_declaration", "method_definition", "function_statement")
DROPPED_TOKENS = frozenset({"(", ")", "{", "}", "[", "]", ";", ",", ":", "\n"})
"""Punctuation that only layout or style choices add or remove."""


@functools.cache
def role(node_type: str, named: bool) -> str:
    """How a node type is abstracted: `comment`, `string`, `number`, `identifier`, `other`."""
    if "comment" in node_type:
        return "comment"
    if node_type in _STRINGS or ("string" in node_type and "literal" in node_type):
        return "string"
    if named and any(part in node_type for part in _NUMBERS) and "type" not in node_type:
        return "number"
    if named and (node_type.endswith("identifier") or node_type in ("variable_name", "variable")):
        return "identifier"
    return "other"


@functools.cache
def is_sequence(node_type: str) -> bool:
    """Nodes whose children are statements in an order that rarely matters to behaviour."""
    return any(part in node_type for part in _SEQUENCES)


@functools.cache
def is_function(node_type: str) -> bool:
    """Function, method and constructor definitions."""
    return node_type in _FUNCTIONS or node_type in _FUNCTIONS_MORE
