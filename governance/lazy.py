"""pandas, imported on first use: checking a delivery from the command line never needs it, and
importing it costs a third of a second."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _OnFirstUse(ModuleType):
    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(str(self.__name__)), name)


pd = _OnFirstUse("pandas")
