"""Sparring: stand-in partner APIs built from OpenAPI specs.

One process serves every partner API statefully (``sparring serve``), the same specs drive
contract checks and fuzzing against any deployment (``sparring fuzz``), and vendor reference
pages can be turned into specs (``sparring reconstruct``).
"""

__version__ = "0.1.0"
