"""`forewarn bundle …`: fetch (what a partner receives), verify, ack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.encoding import dumps, encode
from forewarn.errors import IntegrityError, ValidationError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from forewarn.program.amendments import VerifiedAmendment
    from forewarn.program.known_keys import KnownProgramKeys

app = typer.Typer(help="Partner bundles: fetch, verify, acknowledge.", no_args_is_help=True)

AGE_HEADER = b"age-encryption.org/v1"
PartnerOption = Annotated[str, typer.Option("--partner", help="The partner asking.")]


@app.command("fetch")
def fetch(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    partner: PartnerOption,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the bundle into.")],
    release_id: Annotated[
        str | None, typer.Option("--release", help="A specific release id.")
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Write the partner's own encrypted bundle (CASE.bundle.age) once its wave is due, and
    each signed embargo amendment of it (CASE.amendment-N.json.age)."""
    from forewarn.program import bundle_handover
    from forewarn.program.amendments import sealed_amendments
    from forewarn.program.partners import get_partner

    target = out / f"{case_id}.bundle.age"
    written: list[str] = []
    # The file is written inside the transaction: a fetch is recorded only once its file exists.
    with common.open_program(ctx) as program, program.session() as session:
        fetched = bundle_handover.fetch_bundle(
            session,
            program.keys,
            case_id,
            partner=partner,
            now=common.now(now),
            release_id=release_id,
        )
        try:
            out.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".age.part")
            partial.write_bytes(fetched.sealed)
            partial.replace(target)
            recipient = get_partner(session, partner).age_recipient or ""
            for number, sealed in sealed_amendments(session, fetched.release.id, recipient):
                path = out / f"{case_id}.amendment-{number}.json.age"
                path.write_bytes(sealed)
                written.append(str(path))
        except OSError as exc:
            raise ValidationError(f"cannot write into {out}: {exc.strerror or exc}") from exc
    data = {"release": fetched.release, "file": str(target), "amendments": written}

    def render() -> None:
        common.say(f"wrote {target} ({len(fetched.sealed)} bytes)")
        for path in written:
            common.say(f"wrote {path}: a signed embargo amendment (check it with `bundle verify`)")

    common.emit(ctx, data, render, json_flag=json_out)


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="A sealed bundle (.bundle.age) or amendment (.json.age) as fetched."),
    ],
    identity: Annotated[
        Path | None, typer.Option("--identity", "-i", help="Your age identity file.")
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option("--public-key", help="Program key (hex) to pin, from the program itself."),
    ] = None,
    trust_on_first_use: Annotated[
        bool,
        typer.Option(
            "--trust-on-first-use",
            help="Pin the signer's key if none is pinned for your identity yet.",
        ),
    ] = False,
    save_checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--save-checkpoint",
            help="Keep the audit checkpoint the bundle carries, for `audit prove-rollback`.",
        ),
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Check a bundle's encryption, signature by the pinned program key and every file hash;
    or an embargo amendment's encryption and signature.

    Exit 3 if anything is off: a plaintext bundle, no pinned key, another signer, a changed file;
    exit 2 for bad input, such as a `--public-key` that is not 64 hex digits or an
    identity the file is not sealed to.
    """
    from forewarn.program.amendments import is_amendment, named_amendment_key, verify_amendment
    from forewarn.program.bundles import load_public_key, named_program_key, unseal, verify_bundle
    from forewarn.program.known_keys import KnownProgramKeys
    from forewarn.program.witness import checkpoint_json

    if public_key is not None:  # a typo in the key is bad input, found before any work
        common.public_key_arg(public_key)
    data = common.read_file(file)
    if not data.startswith(AGE_HEADER):
        raise IntegrityError(
            f"{file} is not an encrypted bundle",
            hint="forewarn bundles are always sealed to your age key; fetch it again",
        )
    if identity is None:
        raise ValidationError(f"{file} is encrypted", hint="pass --identity KEYFILE")
    secret = _identity_line(identity)
    recipient = _recipient_of(secret)
    data = unseal(data, secret)
    known = KnownProgramKeys(common.settings(ctx).known_keys_file)
    named = named_amendment_key(data) if is_amendment(data) else named_program_key(data)
    pinned, how = _pinned_key(known, recipient, named, public_key, trust_on_first_use)
    if is_amendment(data):
        amendment = verify_amendment(data, load_public_key(pinned))
        _record_pin(known, recipient, pinned, how)
        _render_amendment(ctx, amendment, how, json_out)
        return
    verified = verify_bundle(data, load_public_key(pinned))
    _record_pin(known, recipient, pinned, how)
    carried = None if verified.checkpoint is None else checkpoint_json(verified.checkpoint)
    if save_checkpoint is not None:
        if carried is None:
            raise ValidationError(f"{file} carries no audit checkpoint")
        common.write_file(save_checkpoint, (dumps(carried) + "\n").encode(), private=False)
    result = {
        "release": verified.release,
        "public_key": verified.public_key,
        "pinned": how,
        "known_keys": str(known.path),
        "files": sorted(verified.contents),
        "audit_checkpoint": carried,
    }

    def render() -> None:
        r = verified.release
        common.say(f"bundle OK: {r.case_id} for {r.partner}, release {r.id}")
        common.say(f"embargo ends {encode(r.embargo_end)}; signed by {verified.public_key}")
        if verified.checkpoint is not None:
            common.say(
                f"carries the audit log's signed checkpoint of {verified.checkpoint.size} leaves"
            )
        if how == "first-use":
            common.say(
                f"key pinned on first use in {known.path}: compare {_short(pinned)}"
                " with the program's published key"
            )

    common.emit(ctx, result, render, json_flag=json_out)


def _instant(text: object) -> str:
    """A signed document's instant as every other output writes it (`…T00:00:00Z`)."""
    from forewarn.domain.validation import parse_instant

    try:
        return str(encode(parse_instant(str(text))))
    except ValidationError:  # shown as signed, whatever it holds
        return str(text)


def _short(key: str) -> str:
    """The first 16 hex digits of a key, enough to compare by eye."""
    return f"{key[:16]}…"


def _identity_line(identity: Path) -> str:
    try:
        text = common.read_file(identity).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"{identity} is not an age identity file (not UTF-8)") from None
    keys = [line.strip() for line in text.splitlines() if line.startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise ValidationError(f"{identity} holds no AGE-SECRET-KEY-1… line")
    return keys[0]


def _recipient_of(secret: str) -> str:
    import pyrage

    try:
        return str(pyrage.x25519.Identity.from_str(secret).to_public())
    except pyrage.IdentityError:
        raise ValidationError("the identity file's key is not an age X25519 identity") from None


def _render_amendment(
    ctx: typer.Context, verified: VerifiedAmendment, how: str, json_out: bool
) -> None:
    document = verified.document

    def render() -> None:
        common.say(
            f"amendment OK: {document['case']} for {document['partner']}, release "
            f"{document['release_id']}, amendment {document['number']} ({document['change']})"
        )
        before, after = (_instant(document[k]) for k in ("embargo_end_before", "embargo_end_after"))
        common.say(f"embargo end {before} → {after}; signed by {verified.public_key}")

    data = {"amendment": document, "public_key": verified.public_key, "pinned": how}
    common.emit(ctx, data, render, json_flag=json_out)


def _pinned_key(
    known: KnownProgramKeys,
    recipient: str,
    named: Ed25519PublicKey,
    given: str | None,
    tofu: bool,
) -> tuple[str, str]:
    """The program key to verify against and how it was pinned (`given`, `known`, `first-use`);
    `named` is the key the signed file names, trusted only on first use. Nothing is pinned here:
    `_record_pin` does it once the file verified, so a wrong `--public-key` or a damaged file
    never replaces the key a partner pinned."""
    from forewarn.program.bundles import load_public_key, public_key_hex

    if given is not None:
        return public_key_hex(load_public_key(given)), "given"
    stored = known.lookup(recipient)
    if stored is not None:
        return stored.public_key, "known"
    if not tofu:
        raise IntegrityError(
            "no program key is pinned for this identity",
            hint="pass --public-key (the program's `forewarn audit public-key`) "
            "or --trust-on-first-use",
        )
    return public_key_hex(named), "first-use"


def _record_pin(known: KnownProgramKeys, recipient: str, key: str, how: str) -> None:
    """Pin `key` for `recipient` after a file it signed verified: a key given with
    `--public-key` replaces the pinned one (a rotation the user named), a first use pins it."""
    now = common.now(None)
    if how == "given":
        known.replace(recipient, key, at=now)
    elif how == "first-use":
        known.pin(recipient, key, at=now)


@app.command("ack")
def ack(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    partner: PartnerOption,
    note: Annotated[str, typer.Option("--note", help="Free text from the partner.")] = "",
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Record the partner's acknowledgement of its bundle."""
    from forewarn.program import bundle_handover

    with common.open_program(ctx) as program, program.session() as session:
        acked = bundle_handover.ack_bundle(
            session, program.keys, case_id, partner=partner, now=common.now(now), note=note
        )
    common.emit(
        ctx,
        acked,
        lambda: common.say(f"{partner} acknowledged release {acked.id}"),
        json_flag=json_out,
    )
