"""The cluster a canonical actor is built in while mentions are resolved (see index/actors/resolve.py)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from index.actors.aliases import canonical_org_place, fold, role_head
from index.actors.tables import DEMONYMS

DOMINANCE = 3  # a surname goes to the most-mentioned namesake only if it leads the next by this factor


@dataclass
class Cluster:
    """A canonical actor being built: its rows, written forms, roles and merge evidence."""

    kind: str
    tokens: tuple[str, ...] = ()  # person: the full name the cluster was founded on
    rows: list = field(default_factory=list)
    forms: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    articles: set = field(default_factory=set)
    evidence: dict = field(default_factory=dict)
    canonical: str | None = None  # fixed by a table ("United Nations"), else the commonest form
    demonyms: set = field(default_factory=set)  # forms that are nationalities ("Kestrelian"), never the name

    def add(self, row, rule: str | None = None, target: str | None = None) -> None:
        self.rows.append(row)
        self.forms[row["name"]] += 1
        if row["kind"] == "norp":
            self.demonyms.add(row["name"])
        self.articles.add(row["article_id"])
        if row["role"]:
            self.roles[row["role"]] += 1
        if rule:
            key = (rule, row["name"])
            if key not in self.evidence:
                self.evidence[key] = {"rule": rule, "forms": [row["name"], target or self.tokens_name()],
                                      "article_id": row["article_id"], "paragraph": row["paragraph"], "count": 0}
            self.evidence[key]["count"] += 1

    def absorb(self, other: Cluster, rule: str | None) -> None:
        for row in other.rows:
            self.add(row, rule if row["name"] not in self.forms else None, self.tokens_name())
        for key, record in other.evidence.items():
            self.evidence.setdefault(key, record)

    def tokens_name(self) -> str:
        return self.forms.most_common(1)[0][0] if self.forms else " ".join(self.tokens)

    def label(self) -> str:
        """The name to compare by: the table's canonical name, else the commonest non-nationality form."""
        if self.canonical:
            return self.canonical
        named = [f for f, _ in self.forms.most_common() if f not in self.demonyms]
        return named[0] if named else self.tokens_name()

    @property
    def role_heads(self) -> set[str]:
        return {role_head(r) for r in self.roles}

    def ranked_roles(self) -> list[str]:
        """Roles most seen first, one written form per role; a role seen in a caption weighs half."""  # 1 vs 2
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for r in self.rows:
            if r["role"]:
                groups[role_key(r["role"])][r["role"]] += 1 if r.get("zone") == "caption" else 2
        ranked = sorted(groups.values(), key=lambda forms: -sum(forms.values()))
        # "Turkish Foreign Minister" reads as a title where "Turkey's Foreign Minister" says the same.
        return [max(forms, key=lambda f: (not _POSSESSIVE_ROLE.match(f), forms[f])) for forms in ranked]


_POSSESSIVE_ROLE = re.compile(r"^[\w.\s-]+['’]s\s")
_DEMONYM_OF = {country: demonym for demonym, country in reversed(list(DEMONYMS.items()))}


def role_key(role: str) -> str:
    """One key for the ways a role is written: 'U.S. Secretary of State' ~ 'US secretary of state',
    "Turkey's Foreign Minister" ~ 'Turkish Foreign Minister'."""
    text = role.replace("’", "'")
    match = re.match(r"^(.+?)'s\s+(.+)$", text)
    if match:
        country = canonical_org_place(match.group(1))[0]
        if country in _DEMONYM_OF:
            text = f"{_DEMONYM_OF[country]} {match.group(2)}"
    return " ".join(fold(text).replace(".", "").split())
