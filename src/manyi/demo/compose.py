"""Composing natural-looking feedback sentences from the phrase banks.

The banks (:mod:`manyi.demo.phrases`) are read when the first :class:`Composer` of a
language is made, not when this module is imported.

A :class:`Composer` holds one text's random details (order number, dates, product,
staff name …) so that a slot used twice in one text gets the same value, and joins
clauses the way each language does: Chinese clauses with ，and a final 。 (或 ！),
English clauses as capitalised sentences; contrasts as "A，但是B" / "A, but b".
It uses :class:`random.Random` rather than NumPy because it draws many single small
choices, where the standard library is several times faster.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from manyi.demo.phrases import phrase_bank

# Product names in the company's segments → phrase-bank product tags.
PRODUCT_TAGS: dict[str, str] = {
    "冰箱": "fridge",
    "洗衣机": "washer",
    "空调": "ac",
    "电视": "tv",
    "小家电": "small",
}
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


_MODEL_PATTERNS: dict[str, tuple[str, ...]] = {
    "fridge": ("BCD-{n3}WPG", "BCD-{n3}WFA", "AX-R{n3}"),
    "washer": ("XQG100-{n3}", "XQG80-B{n3}", "AX-W{n3}"),
    "ac": ("KFR-35GW/{n2}A", "KFR-72LW/{n2}B", "AX-A{n3}"),
    "tv": ("55E{n3}", "65E{n3}", "75Q{n3}"),
    "small": ("AX-S{n2}", "AX-V{n3}", "AX-C{n2}"),
}


class Composer:
    """Builds one text's clauses in one language, filling slots consistently.

    Parameters
    ----------
    rnd : random.Random
        Source of randomness (shared by the caller for determinism).
    language : str
        ``"zh"`` or ``"en"``.
    product : str
        Phrase-bank product tag (``fridge``, ``washer``, ``ac``, ``tv``, ``small``).
    when : datetime
        When the text was written; dates in it fall shortly before.
    phone, email : str | None
        Contact data to use if the text gives some.
    """

    def __init__(
        self,
        rnd: random.Random,
        language: str,
        product: str,
        when: datetime,
        phone: str | None = None,
        email: str | None = None,
    ) -> None:
        self.rnd = rnd
        self.bank = phrase_bank(language)
        self.language = language
        self.product = product
        self.when = when
        self.phone = phone
        self.email = email
        self._slots: dict[str, str] = {}

    # --- slots -------------------------------------------------------------------
    def _date_text(self, day: datetime) -> str:
        if self.language == "zh":
            return f"{day.month}月{day.day}日"
        return f"{day.day} {_MONTHS_EN[day.month - 1]}"

    def _slot(self, name: str) -> str:
        if name in self._slots:
            return self._slots[name]
        r = self.rnd
        value: str
        if name == "date":
            value = self._date_text(self.when - timedelta(days=r.randint(2, 12)))
        elif name == "next_date":
            value = self._date_text(self.when + timedelta(days=r.randint(1, 5)))
        elif name == "order":
            day = self.when - timedelta(days=r.randint(3, 20))
            value = f"AX{day:%Y%m%d}{r.randint(0, 99_999):05d}"
        elif name == "ticket":
            value = f"WX{r.randint(10_000_000, 99_999_999)}"
        elif name == "days":
            value = str(r.choice((2, 3, 3, 4, 5, 5, 6, 7, 8, 10, 12, 15)))
        elif name == "hours":
            value = str(r.choice((2, 4, 24, 24, 48)))
        elif name == "minutes":
            value = str(r.choice((15, 20, 25, 30, 40, 45, 50, 60)))
        elif name == "times":
            value = str(r.randint(3, 9))
        elif name == "amount":
            value = str(
                r.choice((30, 50, 80, 100, 120, 150, 180, 200, 260, 300, 350, 480, 600, 800))
            )
        elif name == "time":
            value = r.choice(self.bank.times)
        elif name == "product":
            value = r.choice(self.bank.product_words[self.product])
        elif name == "model":
            pattern = r.choice(_MODEL_PATTERNS[self.product])
            value = pattern.format(n2=r.randint(10, 99), n3=r.randint(100, 999))
        elif name == "staff":
            value = r.choice(self.bank.staff_names)
        elif name == "agent":
            value = r.choice(self.bank.agent_names).format(agent_id=r.randint(1000, 9999))
        elif name == "phone":
            value = self.phone or f"1380000{r.randint(0, 9999):04d}"
        elif name == "email":
            value = self.email or f"customer{r.randint(100, 99_999)}@example.com"
        else:  # pragma: no cover - a typo in a phrase bank
            raise KeyError(name)
        self._slots[name] = value
        return value

    def fill(self, template: str) -> str:
        """``template`` with every ``{slot}`` replaced."""
        return re.sub(r"\{(\w+)\}", lambda m: self._slot(m.group(1)), template)

    def used(self, slot: str) -> str | None:
        """The value a slot got in this text, if it was used."""
        return self._slots.get(slot)

    # --- picking -----------------------------------------------------------------
    def pick(self, options: Sequence[str]) -> str:
        """A random option, filled."""
        return self.fill(self.rnd.choice(options))

    def aspect_clause(self, aspect: str, part: str) -> str:
        """A filled clause about ``aspect``; ``part`` is neg, pos, note or suggest."""
        options = [
            t for tag, t in self.bank.aspects[aspect][part] if tag is None or tag == self.product
        ]
        return self.fill(self.rnd.choice(options))

    # --- joining -----------------------------------------------------------------
    def sentence(self, clauses: Sequence[str], *, exclaim: bool = False) -> str:
        """Clauses joined into one sentence (zh: ，…。; en: ", and"/". ")."""
        clauses = [c for c in clauses if c]
        if not clauses:
            return ""
        if self.language == "zh":
            return "，".join(clauses) + ("！" if exclaim else "。")
        end = "!" if exclaim else "."
        if len(clauses) == 1 or self.rnd.random() < 0.5:
            return " ".join(capitalise(c) + end for c in clauses)
        return capitalise(", and ".join(clauses)) + end

    def additive(self, first: str, second: str) -> str:
        """ "A，而且B。" / "A. On top of that, b." — two problems piled up."""
        word = self.rnd.choice(self.bank.additive)
        if self.language == "zh":
            return f"{first}，{word}{second}。"
        if word == "and":
            return f"{capitalise(first)}, and {second}."
        return f"{capitalise(first)}. {capitalise(word)}, {second}."

    def contrast(self, first: str, second: str) -> str:
        """ "A，但是B。" / "A, but b." — the second clause carries the writer's point."""
        word = self.rnd.choice(self.bank.contrast)
        if self.language == "zh":
            return f"{first}，{word}{second}。"
        if word == "however":
            return f"{capitalise(first)}. However, {second}."
        if word == "that said":
            return f"{capitalise(first)}. That said, {second}."
        return f"{capitalise(first)}, {word} {second}."


def capitalise(text: str) -> str:
    """``text`` with its first letter in upper case (the rest unchanged)."""
    return text[:1].upper() + text[1:] if text else text


def join_parts(language: str, parts: Sequence[str]) -> str:
    """Join sentence-level parts: no space in Chinese, one space in English."""
    kept = [p for p in parts if p]
    if language == "zh":
        return "".join(kept)
    return re.sub(r"[ ]{2,}", " ", " ".join(p.strip(" ") for p in kept)).strip()
