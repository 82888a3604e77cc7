"""What the models' field annotations hold: the model inside `list[Item]` or `Office | None`."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def inner_model(annotation: Any) -> Any:
    """The pydantic model inside a field's annotation (`list[Item]`, `Office | None`), or None.

    >>> from jtai_letters.spec.models import Office, Report
    >>> inner_model(Office | None) is Office, inner_model(Report.model_fields["title"].annotation)
    (True, None)
    """
    if _is_model(annotation):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = inner_model(arg)
            if found is not None:
                return found
    return None
