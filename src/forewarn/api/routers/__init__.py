"""Routers of the service, one module per audience: `meta` (anyone), `partner` (partner token).

Each module exposes `router: APIRouter`; `forewarn.api.app.ROUTERS` mounts them under `/api/v1`.
"""
