from datetime import date

from bot.qa.when import window


def test_this_week_is_the_seven_days_up_to_and_including_today():
    since, until = window("Which team won this week?", date(2022, 11, 4))
    assert since.date() == date(2022, 10, 28) and until.date() == date(2022, 11, 5)


def test_yesterday_is_one_whole_day():
    since, until = window("What did the minister say yesterday?", date(2026, 11, 25))
    assert (since.date(), until.date()) == (date(2026, 11, 24), date(2026, 11, 25))


def test_no_time_expression_means_no_window():
    assert window("What did Valdoria demand?", date(2026, 11, 25)) is None
