"""scope: name scopes, and the tag each new node gets from them (its label, its scope, whether it is a constant).

nn opens a scope per layer and per neuron, and viz draws each scope as one box.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import NamedTuple


class _Tag(NamedTuple):
    """What a node says about itself beyond the math, kept together in one slot: its
    label, its scope, and whether it is a constant.  Nodes made in the same scope share
    one tag; a node gets a tag of its own only when labelled."""

    label: str
    scope: str | None
    constant: bool = False


_PLAIN = _Tag("", None)
_PLAIN_CONSTANT = _Tag("", None, True)

# The scope a new node is tagged with lives in context variables, so each thread (and
# each asyncio task) has its own.  Reading one costs what reading a global does.
_tag_now: ContextVar[_Tag] = ContextVar("chainrule_tag", default=_PLAIN)
_constant_now: ContextVar[_Tag] = ContextVar("chainrule_constant_tag", default=_PLAIN_CONSTANT)
_open_scopes: ContextVar[tuple] = ContextVar("chainrule_scopes", default=())
_current = _tag_now.get
_current_constant = _constant_now.get


class scope:  # noqa: N801 - used like a function: ``with scope("layer1"):``
    """Tag every node made inside a ``with`` block with ``name`` (viz draws a tag as one box).

    Scopes nest: ``scope("layer1")`` then ``scope("neuron0")`` tags ``layer1/neuron0``.
    ``with scope(...) as name`` gives the full name.  A class rather than a generator,
    since nn enters one per neuron call.

    Scopes belong to the thread (and the context) that opened them.  Leaving a scope
    removes exactly the entry it made, wherever it stands, so entering one object
    twice or leaving scopes out of order never leaves a scope behind.  As with
    ``decimal.localcontext``, a generator suspended inside ``with scope(...)`` shares
    its caller's context: nodes the caller makes meanwhile carry that scope.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"scope name must be a non-empty str, got {name!r}")
        self.name = name

    def __enter__(self) -> str:
        open_ = _open_scopes.get()
        outer = open_[-1][1].scope if open_ else None
        full = self.name if outer is None else f"{outer}/{self.name}"
        tags = _scope_tags.get(full)
        if tags is None:
            tags = _scope_tags[full] = (_Tag("", full), _Tag("", full, True))
        _set_scopes(open_ + ((self, *tags),))
        return full

    def __exit__(self, *exc: object) -> None:
        open_ = _open_scopes.get()
        for i in range(len(open_) - 1, -1, -1):  # this scope's innermost entry
            if open_[i][0] is self:
                _set_scopes(open_[:i] + open_[i + 1 :])
                return


_scope_tags: dict[str, tuple[_Tag, _Tag]] = {}  # one shared pair of tags per scope name


def _set_scopes(open_: tuple) -> None:
    _open_scopes.set(open_)
    if open_:
        _tag_now.set(open_[-1][1])
        _constant_now.set(open_[-1][2])
    else:
        _tag_now.set(_PLAIN)
        _constant_now.set(_PLAIN_CONSTANT)


