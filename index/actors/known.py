"""Well-known organisations and countries: types and canonical names that no caption's guess overrides.

Data, not rules: news outlets and agencies (which are credits or sources more often than actors),
companies and platforms spaCy tends to type as places or people, and every ISO 3166 country
(from pycountry) under its usual English names. Keys are folded (`aliases.name_key`).
"""

from __future__ import annotations

import functools
import re
import unicodedata


def fold(text: str) -> str:
    """Lower case without accents (Sørhavn and SØRHAVN fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Folded, dot-free, punctuation-free key for organisations and places ('U.N.' -> 'un')."""
    folded = fold(name).replace(".", "")
    folded = re.sub(r"[^\w]+", " ", folded).strip()
    return folded[4:] if folded.startswith("the ") else folded


# Canonical outlet name -> other ways articles write it.
OUTLETS = {
    "Associated Press": ["AP", "A.P.", "The Associated Press", "AP News"],
    "Reuters": ["REUTERS", "Thomson Reuters", "Reuters News"],
    "Agence France-Presse": ["AFP", "Agence France Presse", "A.F.P."],
    "CNN": ["Cable News Network", "CNN International", "CNN Business", "CNN Politics", "CNN Arabic"],
    "BBC": ["British Broadcasting Corporation", "BBC News", "BBC World Service", "BBC Arabic"],
    "Al Jazeera": ["Al-Jazeera", "Aljazeera", "Al Jazeera English", "Al Jazeera Arabic"],
    "Al Arabiya": ["Al-Arabiya", "Alarabiya"], "Bloomberg": ["Bloomberg News", "Bloomberg L.P."],
    "The New York Times": ["New York Times", "NYT", "the Times"], "The Washington Post": ["Washington Post"],
    "The Wall Street Journal": ["Wall Street Journal", "WSJ"], "The Guardian": ["Guardian"],
    "Financial Times": ["FT"], "The Economist": ["Economist"], "USA Today": ["USA TODAY"],
    "Fox News": ["Fox", "Fox News Channel", "FOX News"], "NBC News": ["NBC"], "CBS News": ["CBS"],
    "ABC News": ["ABC"], "MSNBC": [], "NPR": ["National Public Radio"], "PBS": [], "Politico": ["POLITICO"],
    "Axios": [], "The Hill": [], "The Week": ["theweek.co.uk"], "Sky News": ["Sky"], "Xinhua": ["Xinhua News Agency"],
    "TASS": ["Tass"], "RIA Novosti": ["RIA"], "Interfax": [], "Anadolu Agency": ["Anadolu"],
    "Getty Images": ["Getty"], "EPA": ["European Pressphoto Agency"], "Deutsche Welle": ["DW"],
    "France 24": [], "Le Monde": [], "Der Spiegel": ["Spiegel"], "Haaretz": [], "The Times of Israel": [],
    "Times of India": [], "Hindustan Times": [], "The Independent": ["Independent"], "The Telegraph": [],
    "Daily Mail": [], "The Atlantic": [], "Time": ["TIME"], "Newsweek": [], "Yahoo News": [],
    "HuffPost": ["Huffington Post"], "BuzzFeed News": ["BuzzFeed"], "Vox": [], "CNBC": [],
    "Mena": ["MENA", "Middle East News Agency"], "Jana": ["JANA"], "Nile TV": [], "Al-Ahram": ["Al Ahram"],
}

# Companies, platforms and apps spaCy often types as places or people (names folded as keys at load).
COMPANIES = """
Google Alphabet YouTube Facebook Meta Instagram WhatsApp Twitter X-Corp TikTok ByteDance Snapchat Telegram
LinkedIn Microsoft Apple Amazon Netflix Spotify Tesla SpaceX Uber Lyft Airbnb Nvidia Intel IBM Oracle
Samsung Huawei Sony Toyota Volkswagen Boeing Airbus Pfizer Moderna BioNTech AstraZeneca Johnson-&-Johnson
ExxonMobil Exxon Chevron Shell BP Total Eni Gazprom Rosneft Aramco Starbucks McDonald's Walmart Disney
Coca-Cola PepsiCo Goldman-Sachs JPMorgan Citigroup Twitch Reddit Zoom OpenAI
""".split()
# Bodies whose short names spaCy types as people or places.
BODIES = """
Hamas Hezbollah Taliban Fatah Pentagon Kremlin Congress Senate Parliament Knesset Interpol Europol
Muslim-Brotherhood al-Qaeda ISIS Islamic-State
""".split()


@functools.cache
def known_orgs() -> dict[str, tuple[str, str]]:
    """Folded name -> (canonical name, category: outlet | company | body)."""
    table: dict[str, tuple[str, str]] = {}
    for canonical, others in OUTLETS.items():
        for name in (canonical, *others):
            table.setdefault(name_key(name), (canonical, "outlet"))
    for category, names in (("company", COMPANIES), ("body", BODIES)):
        for written in names:
            name = written.replace("-", " ") if written not in ("X-Corp", "Coca-Cola") else written
            table.setdefault(name_key(name), (name, category))
    return table


@functools.cache
def known_countries() -> dict[str, str]:
    """Folded country name -> the name newsbot uses (the demonym table's spelling where it has one)."""
    import pycountry

    from index.actors.tables import CANONICAL_NAMES, DEMONYMS

    ours = {name_key(c): c for c in DEMONYMS.values()}
    table: dict[str, str] = {}
    for country in pycountry.countries:
        fields = ("common_name", "name", "official_name")
        names: list[str] = [str(n) for f in fields if (n := getattr(country, f, None))]
        short = [n.split(",")[0] for n in names]  # "Korea, Republic of" -> "Korea" is too vague: skip those
        usual = next((ours[name_key(n)] for n in names + short if name_key(n) in ours), names[0].split(",")[0])
        for n in names:
            if "," not in n:
                table.setdefault(name_key(n), usual)
    table.update(ours)
    for key, target in CANONICAL_NAMES.items():  # the usual English name over ISO's ("Russian Federation")
        if name_key(target) in table:
            table[key] = table[name_key(target)]
    for key, target in list(table.items()):
        table[key] = CANONICAL_NAMES.get(name_key(target), target)
    return table


# Parts of a country that news calls countries.
_NATIONS = frozenset({"england", "scotland", "wales", "northern ireland"})


def is_country(name: str) -> bool:
    """Whether `name` is a country's, as news writes it: "Sri Lanka", "the Philippines", "Britain", "U.S.",
    "Scotland" (for "which country" questions, bot/qa/places.py)."""
    from index.actors.tables import ACRONYMS

    key = name_key(name)
    return key in known_countries() or key in _NATIONS or ACRONYMS.get(key, ("", ""))[1] == "place"
