# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pieces every part of the package uses."""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, Optional, Union

StrPath = Union[str, bytes, 'os.PathLike[str]', 'os.PathLike[bytes]']

#: One CPU's registers as the kernel's struct pt_regs holds them: "gpr" (a
#: list of 32 integers), "nip", "msr", "orig_gpr3", "ctr", "link", "xer",
#: "ccr", "softe", "trap", "dar", "dsisr", "result" -- the keys of
#: fadumpctl's JSON.
Registers = Dict[str, Any]


class Record:
    """Base of the package's result dataclasses."""

    def as_dict(self) -> Dict[str, Any]:
        """The record as plain dicts, lists and scalars (JSON-ready except
        for bytes), with the key names of fadumpctl --json."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]


def root_arg(root: Optional[StrPath]) -> Optional[bytes]:
    """A root prefix for the C layer: absolute, as bytes, None for "/"."""
    if root is None:
        return None
    return os.fsencode(os.path.abspath(os.fspath(root)))

