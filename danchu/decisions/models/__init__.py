"""Dân bàn và quyết định: the matters a community decides by household (Law 10/2022 Art 15–23)."""

from danchu.decisions.models.matters import (
    Choice,
    Form,
    Item,
    Matter,
    MeetingSession,
    Option,
    Participation,
    ProceduralVote,
    RollEntry,
    SessionCount,
    VoteConflict,
)

__all__ = [
    "Choice",
    "Form",
    "Item",
    "Matter",
    "MeetingSession",
    "Option",
    "Participation",
    "ProceduralVote",
    "RollEntry",
    "SessionCount",
    "VoteConflict",
]
