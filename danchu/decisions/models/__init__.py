"""Dân bàn và quyết định: the matters a community decides by household (Law 10/2022 Art 15–23)."""

from danchu.decisions.models.matters import (
    Choice,
    Form,
    Item,
    Matter,
    MatterDocument,
    MeetingSession,
    Option,
    Participation,
    ProceduralVote,
    RollEntry,
    SecretCount,
    SessionCount,
    VoteConflict,
)

__all__ = [
    "Choice",
    "Form",
    "Item",
    "Matter",
    "MatterDocument",
    "MeetingSession",
    "Option",
    "Participation",
    "ProceduralVote",
    "RollEntry",
    "SecretCount",
    "SessionCount",
    "VoteConflict",
]

# Elections, terms and dismissals (NĐ 59 Art 6–9); the annual conference (Law Art 33).
from danchu.decisions.models.elections import (  # noqa: E402
    ActingHead,
    Candidacy,
    Conference,
    Dismissal,
    Election,
    ElectionTeamMember,
    Office,
    Term,
    TermExtension,
    TermSetting,
)

__all__ += [
    "ActingHead",
    "Candidacy",
    "Conference",
    "Dismissal",
    "Election",
    "ElectionTeamMember",
    "Office",
    "Term",
    "TermExtension",
    "TermSetting",
]

# The household ballots PDF, built in the background (danchu/decisions/tasks.py).
from danchu.decisions.models.prints import BallotPrint  # noqa: E402

__all__ += ["BallotPrint"]
