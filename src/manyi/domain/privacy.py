"""Who may read personal data (PIPL/GDPR: the minimum of people who need it).

Intake stores feedback texts and open answers redacted; the original, where kept, is
shown only to these roles: administrators, managers who own the follow-up, and agents
who call the customer back. Analysts and viewers work on redacted text.
"""

from __future__ import annotations

from manyi.domain.enums import Role

PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})


def may_see_personal_data(role: Role) -> bool:
    return role in PERSONAL_DATA_ROLES
