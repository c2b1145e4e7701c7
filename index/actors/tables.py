"""Small hand-kept tables for actor names: titles, demonyms, well-known acronyms and country aliases.

Kept apart from the logic so that adding a country or an organisation is a one-line data change.
"""

from __future__ import annotations

# Head words of a title ("Foreign *Minister*", "Libyan *leader*"); a role must end in one.
TITLE_HEADS = frozenset("""
president minister secretary secretary-general general leader king queen prince princess sheikh emir sultan
chancellor premier governor mayor senator sen. rep. representative congressman congresswoman ambassador envoy
spokesman spokeswoman spokesperson chief commander colonel col. gen. lt. lieutenant captain capt. admiral marshal
director chairman chairwoman chair head pope ayatollah imam cleric judge justice prosecutor official diplomat
mediator ceo founder candidate vice-president dictator strongman ruler adviser advisor aide officer attorney
editor correspondent analyst professor activist laureate coordinator commissioner negotiator
speaker counsel prophet monarch crown pm mp vp lawmaker legislator mufti sergeant sgt. major maj. brigadier
field-marshal director-general attorney-general governor-general commander-in-chief editor-in-chief chief-of-staff
""".split())

# Words that may precede a head inside a title ("*Foreign* Minister", "*former* president").
TITLE_MODIFIERS = frozenset("""
foreign prime defence defense interior finance vice deputy former acting state of senior top opposition military
rebel army navy naval national security assistant under undersecretary press white house economy economic oil
justice information health energy trade affairs high supreme new longtime veteran ousted embattled exiled late
interim transitional executive managing general chief lead special first second grand crown royal labour labor
education culture media human rights intelligence police air force armed forces rebel-held
self-declared self-styled de facto then ex army-backed
""".split())

# Forms of address that belong to the name as written, never to a role ("Dr. Tedros", "Ayatollah Ali Khamenei").
NAME_PREFIXES = frozenset("""
mr mr. mrs mrs. ms ms. miss mx mx. sir dame lord lady madam mme mme. monsieur mister dr dr. doctor prof prof.
professor sheikh sheik shaikh ayatollah imam rev rev. reverend rabbi haji hajji hajj sayyid
""".split())

# Honorifics: not roles, but a cheap gender hint.
HONORIFICS = {
    "mr": "m", "mr.": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m", "sheikh": "m", "emir": "m",
    "sultan": "m", "pope": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "madam": "f",
    "mme": "f", "mme.": "f", "lady": "f", "dame": "f", "queen": "f", "princess": "f",
}
FAMILY_GENDER = {
    "son": "m", "father": "m", "brother": "m", "husband": "m", "uncle": "m", "nephew": "m", "grandson": "m",
    "daughter": "f", "mother": "f", "sister": "f", "wife": "f", "aunt": "f", "niece": "f", "granddaughter": "f",
}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}

# Name particles: kept in the written name, ignored when comparing names.
PARTICLES = frozenset("al el de del della da di du van von der le la".split())
# "son of" particles belong to the surname that follows: Ben Ali, bin Laden (never Ali, Laden alone).
PATRONYMIC = frozenset("bin ibn ben bint".split())

# Nationality or demonym (singular, lower case) -> country, as spaCy tags them NORP.
DEMONYMS = {
    "turkish": "Turkey", "turk": "Turkey", "libyan": "Libya", "egyptian": "Egypt", "american": "United States",
    "israeli": "Israel", "russian": "Russia", "ukrainian": "Ukraine", "palestinian": "Palestine",
    "syrian": "Syria", "iranian": "Iran", "iraqi": "Iraq", "saudi": "Saudi Arabia", "tunisian": "Tunisia",
    "algerian": "Algeria", "moroccan": "Morocco", "sudanese": "Sudan", "chadian": "Chad", "yemeni": "Yemen",
    "jordanian": "Jordan", "lebanese": "Lebanon", "qatari": "Qatar", "emirati": "United Arab Emirates",
    "kuwaiti": "Kuwait", "bahraini": "Bahrain", "omani": "Oman", "british": "United Kingdom",
    "briton": "United Kingdom", "brit": "United Kingdom", "french": "France", "german": "Germany",
    "italian": "Italy", "spanish": "Spain", "chinese": "China", "japanese": "Japan", "indian": "India",
    "pakistani": "Pakistan", "afghan": "Afghanistan", "greek": "Greece", "dutch": "Netherlands",
    "belgian": "Belgium", "swiss": "Switzerland", "swedish": "Sweden", "swede": "Sweden", "norwegian": "Norway",
    "danish": "Denmark", "dane": "Denmark", "finnish": "Finland", "polish": "Poland", "czech": "Czech Republic",
    "hungarian": "Hungary", "romanian": "Romania", "bulgarian": "Bulgaria", "serbian": "Serbia",
    "serb": "Serbia", "croatian": "Croatia", "austrian": "Austria", "portuguese": "Portugal", "irish": "Ireland",
    "scottish": "Scotland", "welsh": "Wales", "canadian": "Canada", "mexican": "Mexico", "brazilian": "Brazil",
    "argentine": "Argentina", "argentinian": "Argentina", "venezuelan": "Venezuela", "cuban": "Cuba",
    "chilean": "Chile", "colombian": "Colombia", "peruvian": "Peru", "australian": "Australia",
    "south african": "South Africa", "nigerian": "Nigeria", "kenyan": "Kenya", "ethiopian": "Ethiopia",
    "somali": "Somalia", "eritrean": "Eritrea", "malian": "Mali", "nigerien": "Niger", "senegalese": "Senegal",
    "ghanaian": "Ghana", "ugandan": "Uganda", "south korean": "South Korea", "north korean": "North Korea",
    "vietnamese": "Vietnam", "thai": "Thailand", "indonesian": "Indonesia", "malaysian": "Malaysia",
    "filipino": "Philippines", "bangladeshi": "Bangladesh", "sri lankan": "Sri Lanka", "nepalese": "Nepal",
    "burmese": "Myanmar", "uzbek": "Uzbekistan", "kazakh": "Kazakhstan", "georgian": "Georgia",
    "armenian": "Armenia", "azerbaijani": "Azerbaijan", "azeri": "Azerbaijan", "belarusian": "Belarus",
    "lithuanian": "Lithuania", "latvian": "Latvia", "estonian": "Estonia", "slovak": "Slovakia",
    "slovenian": "Slovenia", "bosnian": "Bosnia and Herzegovina", "albanian": "Albania", "kosovar": "Kosovo",
    "cypriot": "Cyprus", "maltese": "Malta", "icelandic": "Iceland", "taiwanese": "Taiwan",
    "mongolian": "Mongolia", "tanzanian": "Tanzania", "zimbabwean": "Zimbabwe", "rwandan": "Rwanda",
    "congolese": "Democratic Republic of the Congo", "mauritanian": "Mauritania",
    "new zealander": "New Zealand", "kiwi": "New Zealand", "singaporean": "Singapore", "korean": "South Korea",
}

# Nationality-like words that name no country (religions, regions, parties): never mapped.
NOT_COUNTRIES = frozenset("""
arab arabs arabic muslim muslims christian christians jewish jew jews islamist islamists islamic sunni shiite shi'ite
shia coptic copt copts catholic protestant western westerners european europeans african africans asian
kurdish kurd kurds berber berbers bedouin democrat democrats republican republicans communist communists
socialist socialists conservative conservatives liberal liberals english latino hispanic
""".split())

# Well-known acronyms and short names -> (canonical name, type). Dotted forms are folded ("U.N." -> "un").
ACRONYMS = {
    "un": ("United Nations", "org"), "nato": ("NATO", "org"), "eu": ("European Union", "org"),
    "au": ("African Union", "org"), "icc": ("International Criminal Court", "org"),
    "imf": ("International Monetary Fund", "org"), "iaea": ("International Atomic Energy Agency", "org"),
    "opec": ("OPEC", "org"), "unicef": ("UNICEF", "org"), "unhcr": ("UNHCR", "org"),
    "icrc": ("International Committee of the Red Cross", "org"), "cia": ("CIA", "org"), "fbi": ("FBI", "org"),
    "ntc": ("National Transitional Council", "org"), "tnc": ("National Transitional Council", "org"),
    "ndp": ("National Democratic Party", "org"), "unsc": ("UN Security Council", "org"),
    "who": ("World Health Organization", "org"), "wto": ("World Trade Organization", "org"),
    "us": ("United States", "place"), "usa": ("United States", "place"), "uk": ("United Kingdom", "place"),
    "uae": ("United Arab Emirates", "place"), "drc": ("Democratic Republic of the Congo", "place"),
}

# Long names and informal names -> canonical name (keys folded: lower case, no dots).
CANONICAL_NAMES = {
    "united nations security council": "UN Security Council", "un security council": "UN Security Council",
    "security council": "UN Security Council", "north atlantic treaty organization": "NATO",
    "transitional national council": "National Transitional Council", "united states of america": "United States",
    "america": "United States", "britain": "United Kingdom", "great britain": "United Kingdom",
    "the united kingdom": "United Kingdom", "the united states": "United States", "the netherlands": "Netherlands",
    "holland": "Netherlands", "russian federation": "Russia", "u s": "United States", "u k": "United Kingdom",
    "un": "United Nations", "u n": "United Nations",
    # ISO 3166 names (pycountry) that differ from the usual English one.
    "syrian arab republic": "Syria", "viet nam": "Vietnam", "turkiye": "Turkey",
    "czechia": "Czech Republic", "lao people s democratic republic": "Laos", "republic of korea": "South Korea",
    "democratic people s republic of korea": "North Korea", "state of palestine": "Palestine",
    "palestinian territories": "Palestine", "libyan arab jamahiriya": "Libya", "state of libya": "Libya",
}
