"""How a vendor wraps what an operation answers (records, action results), besides list pages.

Declared once for the partner (``x-sparring: {envelope: {style: data}}``: every operation but
lists, whose paging style is their envelope) or on one operation (which wins, lists included).
Only successful answers with a body are wrapped; errors have their own style (``errors.py``).

- ``bare``: the body as it is (the default);
- ``data``: ``{"data": body}`` (Laravel API resources: SKU.io); option ``field`` renames ``data``,
  option ``message`` adds ``"message": TEXT`` beside it;
- ``status-message``: ``{"status": 1, "message": "OK", FIELD: body}`` (Komet), or the body's own
  keys beside ``status`` and ``message`` when no ``field`` is given; option ``message``.
"""

from __future__ import annotations

import typing as t

from sparring.engine.registry import ENVELOPES

if t.TYPE_CHECKING:
    from sparring.declarations import EnvelopeDeclaration


class Envelope:
    def __init__(self, options: t.Mapping[str, t.Any]) -> None:
        self.options = dict(options)

    def wrap(self, body: t.Any) -> t.Any:
        return body


@ENVELOPES.register("bare")
class Bare(Envelope):
    pass


@ENVELOPES.register("data")
class Data(Envelope):
    def wrap(self, body: t.Any) -> t.Any:
        wrapped = {self.options.get("field", "data"): body}
        if "message" in self.options:
            return {"message": self.options["message"], **wrapped}
        return wrapped


@ENVELOPES.register("status-message")
class StatusMessage(Envelope):
    def wrap(self, body: t.Any) -> t.Any:
        head = {"status": 1, "message": self.options.get("message", "OK")}
        field = self.options.get("field")
        if field:
            return {**head, field: body}
        return {**head, **body} if isinstance(body, dict) else head


def envelope(declaration: "EnvelopeDeclaration | None") -> Envelope:
    if declaration is None:
        return Bare({})
    return ENVELOPES.get(declaration.style)(declaration.options)
