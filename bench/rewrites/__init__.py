"""The rewrite-attack corpus: what an attacker does to a leaked PoC while keeping its wire.

One module per family (`transforms`, `templates`, `replay`, `captures`, `partial`), each
building attacks from a fresh marked copy, so the corpus stays valid when marking changes;
`registry.ATTACKS` lists every attack with its name and family. Our own benign PoCs only:
the copies are run against a listener on 127.0.0.1, never anything from the wild.
"""
