"""What to summarise: an indexed article by id, a URL (fetched within the fetch limits) or a file (one article).

A URL or file that is already in the catalog (same id or same text) is summarised from the catalog, so its
citations are the index's own. Anything else is read into memory only; the shared index grows only when
the caller asks for it (admins). Every refusal is a ValueError with a one-line reason for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.context import Context
from index.articles import Article, article_id
from index.live import FetchError, fetch_article, is_url
from index.sources import SourceError, read_file


@dataclass(frozen=True)
class Loaded:
    """The article to summarise, whether the catalog holds it, and anything the user should know."""

    article: Article
    indexed: bool
    notes: tuple[str, ...] = ()


def load_target(ctx: Context, target: str, add_to_index: bool = False, public_only: bool = False) -> Loaded:
    """The article `target` names: a URL, a catalog id, else an existing file (or `file#id`)."""
    target = target.strip()
    if not target:
        raise ValueError("say what to summarise: an article id, a link or a file")
    if is_url(target):
        stored = _stored_url(ctx, target)
        return _admit(ctx, stored or _fetch(ctx, target, public_only), add_to_index)
    stored = ctx.index.catalog.article(target)  # ids first: an id never reads a file that happens to exist
    if stored is not None:
        return Loaded(stored, True)
    path, wanted = split_fragment(target)
    if path is None:
        raise ValueError(f"'{target}' is neither an article id in the index, nor a link, nor an existing file")
    return _admit(ctx, read_one(path, wanted, ctx.settings.max_article_chars), add_to_index)


def split_fragment(target: str) -> tuple[Path | None, str | None]:
    """(path, wanted id) for an existing file, or 'file#id' naming one; (None, None) when no file is meant."""
    path = Path(target).expanduser()
    if path.exists():
        return path, None
    if "#" in target:
        base, wanted = target.rsplit("#", 1)
        if Path(base).expanduser().exists() and wanted.strip():
            return Path(base).expanduser(), wanted.strip()
    return None, None


def read_one(path: Path, wanted: str | None, max_chars: int) -> Article:
    """The single article of a file, or the one `wanted` names (its id, or its 1-based position)."""
    if path.is_dir():
        raise ValueError(f"{path} is a folder; name one file in it")
    items = list(read_file(path, max_chars))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, SourceError)]
    if wanted is not None:
        return _pick(path, articles, wanted)
    if not articles:
        raise ValueError(f"cannot summarise {path}: {errors[0].message if errors else 'no article in it'}")
    if len(articles) > 1:
        raise ValueError(f"{path} holds {len(articles)} articles; summarise one of them as {path}#ID "
                         f"(e.g. {path}#{articles[0].id})")
    return articles[0]


def _pick(path: Path, articles: list[Article], wanted: str) -> Article:
    for article in articles:
        if article.id == wanted:
            return article
    if wanted.isdigit() and 1 <= int(wanted) <= len(articles):
        return articles[int(wanted) - 1]
    raise ValueError(f"{path} holds no article with id '{wanted}' ({len(articles)} article(s) in it)")


def _stored_url(ctx: Context, url: str) -> Article | None:
    """The indexed article of this URL, found by the id ingest derives from it (no fetch needed)."""
    return ctx.index.catalog.article(article_id(None, url, ""))


def _fetch(ctx: Context, url: str, public_only: bool = False) -> Article:
    settings = ctx.settings
    limits = replace(settings.fetch_limits(), public_only=public_only)
    try:
        return fetch_article(url, limits, max_chars=settings.max_article_chars)
    except FetchError as exc:
        raise ValueError(f"cannot summarise {url}: {exc}") from exc


def _admit(ctx: Context, article: Article, add_to_index: bool) -> Loaded:
    """The catalog's copy when it has this article; else the article itself, added to the index if asked."""
    catalog = ctx.index.catalog
    twin = catalog.id_by_hash(article.content_hash) if catalog.state(article.id) is None else article.id
    stored = catalog.article(twin) if twin else None
    if stored is not None:
        return Loaded(stored, True)
    if not add_to_index:
        return Loaded(article, False)
    report = ctx.index.ingest([article])
    stored = catalog.article(article.id)
    if stored is None:
        reason = "; ".join(r for _, r in report.failed + report.skipped) or "unknown reason"
        return Loaded(article, False, (f"not added to the index: {reason}",))
    return Loaded(stored, True, (f"added to the index as article {stored.id}",))
