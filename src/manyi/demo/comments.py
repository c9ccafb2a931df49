"""Open answers in the demo surveys, drawn from the feedback phrase banks.

A comment agrees with the scores it comes with: an NPS promoter praises their best-rated
driver, a detractor complains about their worst one, a passive does both ("A不错，但是B");
a CSAT comment talks about the attribute rated highest or lowest for the service used.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from manyi.demo.compose import Composer, capitalise

# Which phrase-bank aspects describe each NPS driver.
DRIVER_ASPECTS: dict[str, tuple[str, ...]] = {
    "drv_delivery": ("delivery_time", "delivery_time", "delivery_damage"),
    "drv_install": ("install_quality", "installer_attitude", "cleanliness"),
    "drv_care": ("hotline_wait", "agent_service"),
    "drv_price": ("price",),
    "drv_app": ("app",),
    "drv_repair": ("repair_speed", "repair_quality"),
    "drv_store": ("store_advice",),
}
# (service type, CSAT attribute) → aspect the comment talks about.
ATTRIBUTE_ASPECTS: dict[str, dict[str, str]] = {
    "delivery": {
        "attr_ontime": "delivery_time",
        "attr_skill": "delivery_damage",
        "attr_attitude": "delivery_damage",
        "attr_tidy": "delivery_damage",
    },
    "installation": {
        "attr_ontime": "installer_attitude",
        "attr_skill": "install_quality",
        "attr_attitude": "installer_attitude",
        "attr_tidy": "cleanliness",
    },
    "repair": {
        "attr_ontime": "repair_speed",
        "attr_skill": "repair_quality",
        "attr_attitude": "repair_quality",
        "attr_tidy": "cleanliness",
    },
    "hotline": {
        "attr_ontime": "hotline_wait",
        "attr_skill": "agent_service",
        "attr_attitude": "agent_service",
    },
    "store_consult": {
        "attr_ontime": "store_advice",
        "attr_skill": "store_advice",
        "attr_attitude": "store_advice",
        "attr_tidy": "store_advice",
    },
}
# SERVQUAL dimension → aspects a suggestion about it would name.
DIMENSION_ASPECTS: dict[str, tuple[str, ...]] = {
    "tangibles": ("app", "cleanliness"),
    "reliability": ("delivery_time", "install_quality", "repair_quality"),
    "responsiveness": ("repair_speed", "hotline_wait"),
    "assurance": ("installer_attitude", "store_advice"),
    "empathy": ("agent_service", "followup"),
}


def _lead(c: Composer, tone: str, text: str) -> str:
    """Sometimes put a short verdict first ("总体很满意，…" / "Very happy. …")."""
    if not text or c.rnd.random() >= 0.4:
        return text
    lead = c.rnd.choice(c.bank.openings[f"comment_{tone}"])
    return lead + text if c.language == "zh" else lead + capitalise(text)


def _extreme(rnd: random.Random, ratings: Mapping[str, int], lowest: bool) -> str:
    target = min(ratings.values()) if lowest else max(ratings.values())
    return rnd.choice([k for k, v in ratings.items() if v == target])


def nps_reason(c: Composer, score: int, drivers: Mapping[str, int], incident: bool) -> str:
    """The open reason for an NPS ``score`` given the driver ratings (may be empty)."""
    rnd = c.rnd
    if not drivers:
        return c.sentence([c.pick(c.bank.pos_extras if score >= 9 else c.bank.neg_extras)])
    best = rnd.choice(DRIVER_ASPECTS[_extreme(rnd, drivers, lowest=False)])
    worst_driver = _extreme(rnd, drivers, lowest=True)
    worst = rnd.choice(DRIVER_ASPECTS[worst_driver])
    if score >= 9:
        clauses = [c.aspect_clause(best, "pos")]
        if rnd.random() < 0.3:
            clauses.append(c.pick(c.bank.pos_extras))
        return _lead(c, "pos", c.sentence(clauses, exclaim=rnd.random() < 0.2))
    if score >= 7:
        if best == worst:
            return _lead(c, "mixed", c.sentence([c.aspect_clause(best, "pos")]))
        return _lead(
            c, "mixed", c.contrast(c.aspect_clause(best, "pos"), c.aspect_clause(worst, "neg"))
        )
    if incident and worst_driver == "drv_delivery" and rnd.random() < 0.5:
        problem = c.pick(c.bank.incident_neg)
    else:
        problem = c.aspect_clause(worst, "neg")
    clauses = [problem]
    if rnd.random() < 0.3:
        clauses.append(c.pick(c.bank.neg_extras))
    return _lead(c, "neg", c.sentence(clauses, exclaim=rnd.random() < 0.3))


def csat_comment(c: Composer, service: str, csat: int, attributes: Mapping[str, int]) -> str:
    """The open comment after a service episode rated ``csat`` with these attribute ratings."""
    mapping = ATTRIBUTE_ASPECTS[service]
    rated = {k: v for k, v in attributes.items() if k in mapping}
    if not rated:
        return ""
    best = mapping[_extreme(c.rnd, rated, lowest=False)]
    worst = mapping[_extreme(c.rnd, rated, lowest=True)]
    if csat >= 4:
        return _lead(c, "pos", c.sentence([c.aspect_clause(best, "pos")]))
    if csat == 3 and best != worst:
        return _lead(
            c, "mixed", c.contrast(c.aspect_clause(best, "pos"), c.aspect_clause(worst, "neg"))
        )
    return _lead(c, "neg", c.sentence([c.aspect_clause(worst, "neg")]))


def servqual_suggestion(c: Composer, worst_dimension: str) -> str:
    """A suggestion about the dimension with the largest negative gap."""
    aspect = c.rnd.choice(DIMENSION_ASPECTS[worst_dimension])
    options = [text for _, text in c.bank.aspects[aspect].get("suggest", ())]
    return c.sentence([c.pick(options)]) if options else ""
