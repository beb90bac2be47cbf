"""What anyone may ask: the program's name and the public key to pin."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.api import deps
from forewarn.api.schemas import ProgramOut, problem_responses
from forewarn.program.bundles import public_key_hex

router = APIRouter(tags=["program"], responses=problem_responses({429: "Too many requests."}))


@router.get("/program", response_model=ProgramOut, summary="The program and its public key")
def program(context: deps.ContextDep) -> ProgramOut:
    """The program's name and Ed25519 public key (to pin with `bundle verify --public-key`)."""
    program = context.program
    return ProgramOut(
        name=program.info.name, public_key=public_key_hex(program.keys.signing_key.public_key())
    )
