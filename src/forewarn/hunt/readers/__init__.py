"""Safe reading of material from the wild: files, directories and nested archives."""

from forewarn.hunt.readers.classify import classify, guess_encoding, is_binary, is_weblog
from forewarn.hunt.readers.files import read_bytes, read_file, read_paths
from forewarn.hunt.readers.interface import ContainerReader, Item, ItemKind
from forewarn.hunt.readers.languages import language_of

__all__ = [
    "ContainerReader",
    "Item",
    "ItemKind",
    "classify",
    "guess_encoding",
    "is_binary",
    "is_weblog",
    "language_of",
    "read_bytes",
    "read_file",
    "read_paths",
]
