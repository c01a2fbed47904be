"""Settings from the environment: wrong values stop the start with a clear message."""

from __future__ import annotations

from dataclasses import asdict, fields

import pytest

from skill.config import LOCALE_TIME_ZONES, LOCALES, SECRETS, ConfigurationError, Settings
from skill.rules.limits import DailyLimits


def test_service_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "SERVICE_HOURS": "Mon-Sat 07:30-22:00",
            "SERVICE_TIME_ZONE": "Europe/Berlin",
            "HANDLING_MINUTES": "12",
            "ALEXA_API_TIMEOUT": "0.8",
        }
    )
    assert settings.service_hours == "Mon-Sat 07:30-22:00"
    assert settings.service_time_zone == "Europe/Berlin"
    assert settings.default_handling_minutes == 12
    assert settings.alexa_api_timeout == 0.8


def test_abuse_limits_from_the_environment() -> None:
    assert Settings().daily_limits == DailyLimits(bookings=3, reschedules=3, texts=5)
    assert not Settings().text_unconfirmed
    settings = Settings.from_env(
        {
            "CALLBACKS_PER_DAY": "2",
            "RESCHEDULES_PER_DAY": "4",
            "TEXTS_PER_DAY": "10",
            "TEXT_UNCONFIRMED": "yes",
        }
    )
    assert settings.daily_limits == DailyLimits(bookings=2, reschedules=4, texts=10)
    assert settings.text_unconfirmed


def test_defaults_are_valid() -> None:
    assert asdict(Settings.from_env({})) == asdict(Settings())


def test_every_locale_has_a_likely_time_zone() -> None:
    assert set(LOCALE_TIME_ZONES) == set(LOCALES)


def test_each_language_team_works_in_its_own_zone_unless_told_otherwise() -> None:
    settings = Settings()
    assert settings.service_zone_for("de-DE") == "Europe/Berlin"
    assert settings.service_zone_for("en-GB") == "Europe/London"
    assert settings.service_zone_for("en-US") == "America/New_York"  # SERVICE_TIME_ZONE
    chicago = Settings.from_env(
        {"SERVICE_TIME_ZONE": "America/Chicago", "SERVICE_TIME_ZONES": "de-DE=Europe/Vienna"}
    )
    assert chicago.service_zone_for("de-DE") == "Europe/Vienna"
    assert chicago.service_zone_for("en-GB") == "America/Chicago"
    one_zone = Settings.from_env({"SERVICE_TIME_ZONES": "none"})
    assert {one_zone.service_zone_for(locale) for locale in LOCALES} == {"America/New_York"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SERVICE_HOURS": "weekdays nine to five"}, "SERVICE_HOURS: cannot read"),
        ({"SERVICE_TIME_ZONE": "Mars/Olympus"}, "SERVICE_TIME_ZONE: unknown time zone"),
        ({"DEFAULT_TIME_ZONE": "Berlin"}, "DEFAULT_TIME_ZONE: unknown time zone"),
        ({"HANDLING_MINUTES": "ten"}, "HANDLING_MINUTES must be a number"),
        ({"ALEXA_API_TIMEOUT": "-1"}, "ALEXA_API_TIMEOUT must be positive"),
        ({"CALLBACKS_PER_DAY": "0"}, "CALLBACKS_PER_DAY must be a whole number of at least 1"),
        ({"TEXTS_PER_DAY": "2.5"}, "TEXTS_PER_DAY must be a whole number"),
        ({"TEXT_UNCONFIRMED": "maybe"}, "TEXT_UNCONFIRMED must be yes or no"),
        ({"SERVICE_TIME_ZONES": "de-DE Europe/Berlin"}, "SERVICE_TIME_ZONES: cannot read"),
        ({"SERVICE_TIME_ZONES": "de-DE=Berlin"}, "SERVICE_TIME_ZONES: unknown time zone"),
        ({"SERVICE_TIME_ZONES": "fr-FR=Europe/Paris"}, "SERVICE_TIME_ZONES: unknown locale"),
        ({"PASSWORD_HASH_METHOD": "md5"}, "PASSWORD_HASH_METHOD: scrypt"),
        ({"PASSWORD_HASH_METHOD": "scrypt:1024:8"}, "PASSWORD_HASH_METHOD: scrypt"),
        ({"PASSWORD_HASH_METHOD": "pbkdf2:sha1"}, "PASSWORD_HASH_METHOD: scrypt"),
    ],
)
def test_invalid_settings_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(environ)


def test_the_team_topic_is_required_where_it_is_asked_for() -> None:
    topic = "arn:aws:sns:eu-west-1:123456789012:team"
    assert Settings.from_env({"NOTIFY_TOPIC_ARN": topic}).team_topic() == topic
    with pytest.raises(ConfigurationError, match="NOTIFY_TOPIC_ARN"):
        Settings.from_env({}).team_topic()


def test_snap_start_is_read_from_lambdas_initialization_type() -> None:
    assert Settings.from_env({"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}).snap_start
    assert not Settings.from_env({"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}).snap_start


def test_webhook_secrets_from_the_environment_and_unset_by_default() -> None:
    assert Settings.from_env({}).shopify_webhook_secret is None
    assert Settings.from_env({}).orders_webhook_secret is None
    settings = Settings.from_env(
        {
            "SHOPIFY_WEBHOOK_SECRET": " shpss_abc ",
            "ORDERS_WEBHOOK_SECRET": "orders-xyz",
            "SHOPIFY_WEBHOOK_SECRET_PARAMETER": "/menschmoment/prod/shopify-webhook-secret",
        }
    )
    assert settings.shopify_webhook_secret == "shpss_abc"
    assert settings.orders_webhook_secret == "orders-xyz"
    assert settings.shopify_webhook_secret_parameter == "/menschmoment/prod/shopify-webhook-secret"
    assert settings.orders_webhook_secret_parameter is None


def test_alexa_notification_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "ALEXA_CLIENT_ID": "amzn1.application-oa2-client.abc",
            "ALEXA_CLIENT_SECRET_PARAMETER": "/menschmoment/prod/alexa-client-secret",
            "PROACTIVE_EVENTS_STAGE": "live",
        }
    )
    assert settings.alexa_client_id == "amzn1.application-oa2-client.abc"
    assert settings.alexa_client_secret is None
    assert settings.alexa_client_secret_parameter == "/menschmoment/prod/alexa-client-secret"
    assert settings.proactive_events_stage == "live"
    # Until the skill is certified, notifications reach its testers only.
    assert Settings.from_env({}).proactive_events_stage == "development"
    with pytest.raises(ConfigurationError, match="PROACTIVE_EVENTS_STAGE"):
        Settings.from_env({"PROACTIVE_EVENTS_STAGE": "production"})


def test_the_settings_repr_says_which_secrets_are_set_but_not_what_they_are() -> None:
    settings = Settings.from_env(
        {
            "TABLE_NAME": "shop-table",
            "CONSOLE_SECRET": "console-s3cret",
            "SHOPIFY_WEBHOOK_SECRET": "shpss_s3cret",
            "ALEXA_CLIENT_SECRET": "lwa-s3cret",
        }
    )

    shown = repr(settings)

    assert "s3cret" not in shown
    assert "console_secret=<set>" in shown
    assert "shopify_webhook_secret=<set>" in shown
    assert "alexa_client_secret=<set>" in shown
    assert "orders_webhook_secret=None" in shown
    assert "table_name='shop-table'" in shown
    # Every setting named a secret is one the repr hides.
    assert {item.name for item in fields(Settings) if item.name.endswith("_secret")} == SECRETS
