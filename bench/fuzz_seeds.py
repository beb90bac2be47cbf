"""Seeds for the fuzzers, made by the product itself, so mutations start past the first parse.

    python bench/fuzz_seeds.py     # rewrites bench/fuzz_seeds/ (commit the result)

A throwaway program is built through the CLI (init, a partner with an age identity made here, a
case with the shipped exchange PoC, a released wave, a reschedule that amends the embargo), and
what its readers read is kept: the key file and the witness `init` and the commits wrote, the
partner's decrypted bundle and embargo amendment, inclusion and consistency proofs, the program's
public key, the program file `program export` writes and the CSAF and CVE documents `publish`
writes. Captures are the exchange PoC's own traffic in every form `forewarn.hunt.wire` reads
(`bench/rewrites/captures.py`: raw dump, pcap by tcpdump on lo when it can record, pcapng, HAR,
eve.json, Zeek, W3C, Apache). Evidence manifests in YAML, JSON and CSV list evidence files kept
beside them (the capture target's W3C log and the PoC). Nothing here is secret: the program
signs nothing but these seeds, and the partner's identity is dropped.

The seed program's public key is kept with the seeds (`program.pub`): the proof, bundle and
amendment targets verify against it, as a partner pins it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyrage
import yaml

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "fuzz_seeds"
POC = HERE.parent / "src/forewarn/data/scenarios/exchange-2021/poc.py"
CNA = "8254265b-2729-46b6-b9e3-3dfca2d5bfca"
"""A made-up CNA organisation for the CVE record."""
EVIDENCE_FILES = ("u_ex210228.log", "exch_chain.py")
"""Evidence files kept beside the manifests (`fuzz_seeds/evidence_files/`)."""
TOOL = b'"""A tool found on a paste site (a manifest only registers it)."""\n\nprint("probe")\n'
"""The second evidence file's content: the manifest reader never reads it, so no PoC copy."""


def _cli(home: Path, *args: str) -> str:
    """One `forewarn` command on the seed program; its stdout."""
    db = f"sqlite:///{home / 'forewarn.db'}"
    command = [sys.executable, "-c", "from forewarn.cli.app import main; main()"]
    command += ["--db", db, "--key-file", str(home / "forewarn.key"), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=home)
    if done.returncode != 0:
        raise SystemExit(f"forewarn {' '.join(args)} failed: {done.stderr[-1500:]}")
    return done.stdout


def _program(home: Path, out: dict[str, dict[str, bytes]]) -> None:
    """The seed program's files, bundle, amendment, proofs and documents."""
    identity = pyrage.x25519.Identity.generate()
    (home / "partner.age").write_text(str(identity) + "\n")
    _cli(home, "init", "--name", "Fuzz Seeds", "--replay", "--now", "2021-02-01T00:00:00Z")
    _cli(home, "partner", "add", "Northwind Labs", "--country", "US", "--tier", "early-access",
         "--email", "psirt@northwind.example", "--age-recipient", str(identity.to_public()),
         "--now", "2021-02-01T01:00:00Z")  # fmt: skip
    case = "FW-2021-0001"
    _cli(home, "case", "create", case, "--title", "Mail server pre-auth RCE",
             "--product", "Mail Server 2019", "--reported", "2021-02-01",
             "--patch-planned", "2021-03-09", "--cve", "CVE-2021-26855",
             "--now", "2021-02-01T02:00:00Z")  # fmt: skip
    _cli(home, "case", "add-artifact", case, str(POC), "--kind", "poc",
         "--now", "2021-02-01T03:00:00Z")  # fmt: skip
    _cli(home, "wave", "release", case, "--workers", "1", "--now", "2021-03-01T00:00:00Z")
    _cli(home, "case", "reschedule", case, "--patch-planned", "2021-03-05",
         "--reason", "exploited in the wild", "--now", "2021-03-01T06:00:00Z")  # fmt: skip
    fetched = home / "fetched"
    _cli(home, "bundle", "fetch", case, "--partner", "Northwind Labs", "--out", str(fetched),
         "--now", "2021-03-01T07:00:00Z")  # fmt: skip
    for sealed in sorted(fetched.iterdir()):
        plain = bytes(pyrage.decrypt(sealed.read_bytes(), [identity]))
        kind = "amendment" if ".amendment-" in sealed.name else "bundle"
        out[kind][sealed.name.removesuffix(".age")] = plain
    out["public_key"]["program.pub"] = _cli(home, "audit", "public-key").strip().encode()
    release = json.loads(_cli(home, "--json", "wave", "status", case))
    release_id = _release_id(release)
    out["proof"]["inclusion.json"] = _cli(home, "audit", "prove", release_id).encode()
    out["proof"]["consistency.json"] = _cli(home, "audit", "consistency", "1").encode()
    out["key_file"]["forewarn.key"] = (home / "forewarn.key").read_bytes()
    out["witness_file"]["forewarn.witness"] = (home / "forewarn.witness").read_bytes()
    _cli(home, "program", "export", str(home / "export" / "program.yaml"), "--plaintext")
    out["program_file"]["program.yaml"] = (home / "export" / "program.yaml").read_bytes()
    for kind in ("csaf", "cve"):
        folder = home / kind
        _cli(home, "publish", case, "--format", kind, "--out", str(folder),
             "--publisher-url", "https://psirt.vendor.example", "--cna-org-id", CNA,
             "--now", "2021-03-05T00:00:00Z")  # fmt: skip
        for document in sorted(folder.iterdir()):
            out["case_document"][f"{kind}-{document.name}"] = document.read_bytes()


def _release_id(status: object) -> str:
    """The first release id in `wave status --json`, wherever its layout puts it."""
    if isinstance(status, dict):
        if isinstance(status.get("release_id"), str):
            return str(status["release_id"])
        values: list[object] = list(status.values())
    elif isinstance(status, list):
        values = list(status)
    else:
        raise SystemExit("wave status gave no release id")
    for value in values:
        if isinstance(value, dict | list):
            try:
                return _release_id(value)
            except SystemExit:
                continue
    raise SystemExit("wave status gave no release id")


def _captures(out: dict[str, dict[str, bytes]]) -> None:
    """The exchange PoC's traffic in every capture form the hunt reads."""
    sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
    from rewrites import captures
    from rewrites.model import POCS, Leak
    from wire_world import pcap_records, write_pcapng

    leak = Leak(POCS[0], POCS[0].path.read_text())
    for name, build in captures.FORMATS.items():
        if name.startswith("pcap") and not _can_record():
            print("fuzz_seeds: tcpdump cannot record here; no pcap seeds", file=sys.stderr)
            continue
        for file, data in build(leak).files.items():
            out["capture"][file] = data
            if file.endswith(".pcap"):
                out["capture"]["leak.pcapng"] = write_pcapng(*pcap_records(data))


def _can_record() -> bool:
    return shutil.which("tcpdump") is not None and os.geteuid() == 0


def _manifests(out: dict[str, dict[str, bytes]]) -> None:
    """Evidence manifests in each format, listing the evidence files kept beside them."""
    out["evidence_files"][EVIDENCE_FILES[0]] = out["capture"]["u_ex210228.log"]
    out["evidence_files"][EVIDENCE_FILES[1]] = TOOL
    rows = [
        {"file": EVIDENCE_FILES[0], "seen": "2021-02-28T14:10:00Z",
         "source": "IIS log of a customer's mail server", "collector": "R. Okafor"},
        {"file": EVIDENCE_FILES[1], "seen": "2021-02", "source": "paste site"},
    ]  # fmt: skip
    out["evidence_manifest"]["evidence.yaml"] = yaml.safe_dump(
        {"evidence": rows}, sort_keys=False
    ).encode()
    out["evidence_manifest"]["evidence.json"] = json.dumps(rows, indent=1).encode()
    text = io.StringIO()
    writer = csv.DictWriter(text, ["file", "seen", "source", "collector"])
    writer.writeheader()
    writer.writerows(rows)
    out["evidence_manifest"]["evidence.csv"] = text.getvalue().encode()


def build() -> dict[str, dict[str, bytes]]:
    """Every seed, by target and file name."""
    kinds = ("amendment", "bundle", "capture", "case_document", "evidence_files")
    kinds += ("evidence_manifest", "key_file", "program_file", "proof", "public_key")
    out: dict[str, dict[str, bytes]] = {kind: {} for kind in kinds + ("witness_file",)}
    with tempfile.TemporaryDirectory(prefix="fw-seeds-") as tmp:
        _program(Path(tmp), out)
    _captures(out)
    _manifests(out)
    return out


def main() -> None:
    seeds = build()
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    for kind, files in seeds.items():
        for name, data in files.items():
            path = SEEDS / kind / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"{kind}/{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
