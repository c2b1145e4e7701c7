"""The words page furniture is made of, shared by the furniture rules (`credits`, `links`).

These vocabularies are the trade's fixed phrases (photo agencies, calls to action and the channels they
point to), not names of stories; the rules built on them fire on a block's shape.
"""

from __future__ import annotations

import re
import unicodedata

# Photo agencies, wires and picture libraries: a credit's last part ("Name/Getty Images"), an outlet line.
AGENCY = (r"(?:AP|A\.P\.|(?:The )?Associated Press|Reuters|REUTERS|AFP|Agence France-Presse|Getty Images?|Getty|"
          r"EPA(?:-EFE)?|EFE|Shutterstock|Adobe Stock|Alamy(?: Stock Photo)?|Bloomberg|Xinhua|Sipa(?: USA)?|"
          r"NurPhoto|SOPA Images|Anadolu(?: Agency)?|ANI|PTI|IANS|Pool|POOL|NASA|dpa|DPA|Kyodo|Yonhap|TASS|"
          r"Sputnik|UPI|ZUMA(?: Press| Wire)?|Zuma Press|Imagn|iStock(?:photo)?|Unsplash|Wikimedia Commons|CNN|"
          r"BBC|NPR|Handout|HANDOUT|File|FILE|File photo|FILE PHOTO|Courtesy(?: of [^/|]{1,40})?|Pixabay|Corbis|"
          r"LightRocket|Kobal|WireImage|Bettmann|Twitter|Instagram|Facebook|YouTube|X)")
AGENCY_ALONE = re.compile(rf"{AGENCY}(?: (?:via|for) Getty Images)?", re.IGNORECASE)
CAP = r"[A-Z][\w.'’&-]*"  # a capitalised word (or initial)

# Reported speech: a block holding one of these carries reporting, whatever else it looks like.
REPORTING = re.compile(r"\b(?:said|says|say|told|tells|according|asked|urged|announced|added|wrote|tweeted|"
                       r"stated|warned|claimed|reported|reports that|insisted|argued|explained)\b", re.IGNORECASE)
QUOTE_START = re.compile(r"^[\"“”'‘]")

_LEAD_IN = r"^[^\w\"“”'‘]*(?:[\w' ]{1,40}:\s*)?(?:to [^,]{1,60}, )?(?:please )?"  # "►", "Daily Money newsletter:"
# An imperative that sends the reader somewhere ("Join our WhatsApp Channel", "Sign up for …")
CTA = re.compile(_LEAD_IN + r"(?:join|follow|subscribe|sign up|signup|register|download|get|install|like|listen|"
                 r"tune in|send|share|tell|take|try|visit|stay|never miss|don['’]t miss|check|click|tap|connect|"
                 r"find|reach|submit|support|become|donate|upgrade|unlock|start|watch|read)\b", re.IGNORECASE)
CHANNEL = re.compile(r"(?:\b(?:newsletters?|whats ?app|telegram|twitter|facebook|instagram|youtube|tiktok|linkedin|"
                     r"snapchat|podcasts?|apps?|app store|google play|inbox|e-?mail alerts?|alerts?|notifications?|"
                     r"channel|ireport|rss|apple news|google news|subscribe|subscribing|subscriber|sign[- ]?up|quiz|"
                     r"(?:live|latest|daily|breaking news) updates)\b|>>>|(?:^|\s)@\w+)", re.IGNORECASE)
# "here" is a link only after a verb that follows links: "Take Tim Tebow for a second here" is a sentence
HERE = re.compile(_LEAD_IN + r"(?:click|tap|sign up|subscribe|register|download|read|watch|listen|check|find out|"
                  r"learn more|see|visit|get|send)\b.*\bhere\b", re.IGNORECASE)
CONTACT = re.compile(rf"^(?:you can )?(?:reach|contact|email|e-mail|write to|follow) (?:him|her|them|me|us|"
                     rf"{CAP}(?: {CAP})?)\b.*(?:@|\bat\b|\btwitter\b|\d{{3}})", re.IGNORECASE)

_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\xad]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_NAME_LINKERS = {"and", "&", "of", "the", "for", "to", "in", "at", "de", "del", "della", "da", "van", "von", "der",
                 "den", "al", "el", "bin", "la", "le", "du", "y", "with"}


def clean(block: str) -> str:
    """The block as the rules read it: invisible characters dropped, whitespace runs made one space."""
    return re.sub(r"\s+", " ", _INVISIBLE.sub("", block)).strip()


def fold(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\W+", " ", text.lower()).strip()


def sentences(text: str) -> list[str]:
    """A rough sentence split, enough to see whether every sentence of a block is furniture."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def is_call(sentence: str) -> bool:
    """A call to action: an imperative pointing at a channel, or at a link ("… click here")."""
    return bool(CTA.match(sentence) and CHANNEL.search(sentence)) or bool(HERE.match(sentence))


def is_namey(text: str) -> bool:
    """Only names: capitalised words (or initials) and the particles between them, no verb, no digits."""
    tokens = text.replace(",", " ").split()
    if not tokens or len(tokens) > 12 or re.search(r"\d", text):
        return False
    return all(t[0].isupper() or t.lower() in _NAME_LINKERS for t in tokens) and any(t[0].isupper() for t in tokens)
