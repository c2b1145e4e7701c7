"""Follows without Telegram: matching past a cursor, one batch for everything that moved, syndicated copies
alerting once, quiet hours, the daily cap, and sent-only-after-success (at most once across a kill)."""

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.qa.evaluate import citation_is_real
from bot.timeline import FollowStore, add_follow, due, in_quiet, match_new, parse_quiet
from bot.timeline.alerts import catalog_position

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture()
def store(tmp_path):
    opened = FollowStore(tmp_path / "follows.sqlite3")
    yield opened
    opened.close()


def follow_from_the_start(services, store, query, quiet=None):
    """A follow whose cursor is before every example article, so all of them are new to it."""
    made = add_follow(services, store, "cli:t", query, quiet, "UTC")
    assert not isinstance(made, str), made
    with store.lock:
        store.conn.execute("UPDATE follows SET cursor=0 WHERE id=?", (made.id,))
    return made


def test_quiet_hours_wrap_past_midnight():
    assert parse_quiet("22:00-07:00") and parse_quiet("7:30-9:00") and parse_quiet("nonsense") is None
    assert parse_quiet("08:00-08:00") is None


def test_a_new_follow_starts_at_the_end_of_the_catalog(services, store):
    made = add_follow(services, store, "cli:t", "Aydar", None, "UTC")
    assert made.cursor == catalog_position(services.index.catalog) and made.label == "Selin Aydar"
    assert match_new(services, store) == 0 and due(services, store, "cli:t", NOON) is None
    again = add_follow(services, store, "cli:t", "Aidar", "22:00-07:00", "UTC")  # another alias: the same follow
    assert again.id == made.id and again.quiet == "22:00-07:00" and len(store.follows("cli:t")) == 1
    assert add_follow(services, store, "cli:t", "Voss", None, "UTC").startswith("'Voss' could be")
    assert "22:00-07:00" in add_follow(services, store, "cli:t", "Aydar", "late", "UTC")


def test_everything_that_moved_is_one_batch_with_real_citations_and_copies_once(services, store):
    aydar = follow_from_the_start(services, store, "Aydar")
    topic = follow_from_the_start(services, store, "grain ship in the Strait of Merrow")
    assert match_new(services, store) >= 4
    batch = due(services, store, "cli:t", NOON)
    assert batch is not None and {i.follow.id for i in batch.items} == {aydar.id, topic.id}
    for item in batch.items:
        for sentence in item.sentences:
            assert all(citation_is_real(services.index.catalog, c.article_id, c.paragraph, c.text)
                       and sentence.text in c.text for c in sentence.citations)
    aydar_items = [i for i in batch.items if i.follow.id == aydar.id]
    assert all("Aydar" in " ".join(s.text for s in i.sentences) or "Aidar" in " ".join(s.text for s in i.sentences)
               for i in aydar_items)
    told = [i.article_id for i in batch.items]
    assert len(told) == len(set(told)) and batch.more.get(aydar.id, 0) + len(aydar_items) >= 4
    store.finish("cli:t", store.claim("cli:t", batch.rows), sent=True, day=batch.day)
    assert due(services, store, "cli:t", NOON) is None
    assert match_new(services, store) == 0  # the cursors moved past every article


def test_quiet_hours_hold_alerts_and_the_message_says_so(services, store):
    follow_from_the_start(services, store, "Aydar", quiet="11:00-13:00")
    match_new(services, store)
    assert in_quiet(store.follows("cli:t")[0], NOON)
    assert due(services, store, "cli:t", NOON) is None
    after = due(services, store, "cli:t", NOON + timedelta(hours=2))
    assert after is not None and after.held and after.items


def test_the_daily_cap_holds_the_rest_until_the_next_day(services, store):
    follow_from_the_start(services, store, "Aydar")
    follow_from_the_start(services, store, "grain ship in the Strait of Merrow")
    match_new(services, store)
    first = due(services, store, "cli:t", NOON, per_day=1)
    assert first is not None and first.last_today
    sent = store.claim("cli:t", first.rows[:1])
    store.finish("cli:t", sent, sent=True, day=first.day)
    assert store.sent_on("cli:t", first.day) == 1
    assert due(services, store, "cli:t", NOON, per_day=1) is None  # capped: the rest waits
    tomorrow = due(services, store, "cli:t", NOON + timedelta(days=1), per_day=1)
    assert tomorrow is not None and tomorrow.items


def test_a_failed_send_is_retried_and_a_killed_send_never_repeated(services, store):
    follow_from_the_start(services, store, "Aydar")
    match_new(services, store)
    batch = due(services, store, "cli:t", NOON)
    claimed = store.claim("cli:t", batch.rows)
    assert store.claim("cli:t", batch.rows) == []  # a concurrent sender cannot take them too
    store.finish("cli:t", claimed, sent=False, day=batch.day)  # the send failed
    retry = due(services, store, "cli:t", NOON)
    assert retry is not None and [p.article_id for p in retry.rows] == [p.article_id for p in batch.rows]
    store.claim("cli:t", retry.rows)  # ... and now the process dies mid-send
    assert store.recover() == len(retry.rows)
    assert due(services, store, "cli:t", NOON) is None


def test_cli_follow_add_list_check_remove(examples_cli, tmp_path):
    runner = CliRunner()
    profile = f"p{tmp_path.name[-6:]}"  # the examples data dir is shared: a profile of this test's own
    added = runner.invoke(app, ["follow", "add", "Aydar", "--for", profile, "--quiet", "22:00-07:00"])
    assert added.exit_code == 0 and "following actor Selin Aydar" in added.stderr
    bad = runner.invoke(app, ["follow", "add", "Aydar", "--for", profile, "--quiet", "late"])
    assert bad.exit_code == 2
    listed = runner.invoke(app, ["follow", "list", "--for", profile])
    assert "1. Selin Aydar [actor]" in listed.stdout
    check = runner.invoke(app, ["follow", "check", "--for", profile, "--json"])
    assert check.exit_code == 0 and '"items": []' in check.stdout  # nothing ingested since the follow
    removed = runner.invoke(app, ["follow", "remove", "1", "--for", profile])
    assert removed.exit_code == 0 and "stopped following Selin Aydar" in removed.stderr
    assert runner.invoke(app, ["follow", "remove", "1", "--for", profile]).exit_code == 1
