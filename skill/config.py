"""Settings: the one place that reads ``os.environ``.

Everything else receives a :class:`Settings` object, so tests build one directly and the
Lambda entry, the web service and the command line all agree on the names below.

=====================  ==========================================================
variable               meaning
=====================  ==========================================================
SKILL_ID               the Alexa skill id; requests for another skill are refused
TABLE_NAME             the DynamoDB table (see ``skill/storage/tables.json``)
AWS_REGION             region of the table
DYNAMODB_ENDPOINT      a DynamoDB-compatible endpoint instead of AWS (local servers)
USERINFO_URL           OAuth user-info endpoint for account linking; unset: token table
USERINFO_ID_FIELD      the field of the user-info answer that is our customer id
DEFAULT_TIME_ZONE      customers' time zone when Alexa does not tell us one
SERVICE_PHONE          the phone line we give when the skill itself cannot help
SERVICE_HOURS          when agents call back, e.g. "Mon-Fri 08:00-20:00; Sat 09:00-14:00"
SERVICE_TIME_ZONE      the time zone of SERVICE_HOURS
SERVICE_TIME_ZONES     the team's zone per locale, e.g. "de-DE=Europe/Berlin; en-GB=Europe/London"
                       (those are the default); "none": SERVICE_TIME_ZONE for all
HANDLING_MINUTES       usual length of a callback until there is history (wait estimate)
ALEXA_API_TIMEOUT      seconds to wait for Alexa's profile and settings APIs
REMEDY_POLICY          the remedy policy file (default: ``policy/remedies.yaml``)
NOTIFY_TOPIC_ARN       the team's SNS topic (the notifier and overdue functions in AWS)
SMS_ORIGINATION        End User Messaging SMS phone number, pool or sender id for
                       customers' texts; unset: customers get no SMS in AWS
LOG_LEVEL              logging level name
CONSOLE_SECRET         key that signs the agent console's session cookie; unset: a
                       random key per start (every restart signs agents out)
PASSWORD_HASH_METHOD   how new console passwords are hashed, in werkzeug's notation:
                       "scrypt" (the default: n=32768, r=8, p=1), "scrypt:n:r:p",
                       "pbkdf2[:sha256|:sha512][:iterations]"
CALLBACKS_PER_DAY      call backs one Alexa user, or one phone number, may book a day
RESCHEDULES_PER_DAY    moves by voice of call backs per Alexa user and per number a day
TEXTS_PER_DAY          texts to customers per number (and per Alexa user) a day
TEXT_UNCONFIRMED       "yes": text a number a guest said by voice but did not confirm
SHOPIFY_WEBHOOK_SECRET the Shopify app's secret that signs ``POST /webhooks/shopify``;
                       unset: that route answers 404
ORDERS_WEBHOOK_SECRET  the secret that signs ``POST /webhooks/orders``; unset: 404
SHOPIFY_WEBHOOK_SECRET_PARAMETER, ORDERS_WEBHOOK_SECRET_PARAMETER
                       (the webhooks Lambda) SSM SecureString parameters holding the
                       secrets, read once at cold start
MCP_RESOURCE_URL       the public https URL of the MCP endpoint (``…/mcp``): the
                       resource its tokens are for; unset: no MCP endpoint
MCP_AUTHORIZATION_SERVER  the OAuth authorization server (issuer) that signs them
MCP_JWKS_URL           its JSON Web Key Set; unset: tokens are checked at USERINFO_URL
MCP_AUDIENCE           the ``aud`` (or Cognito ``client_id``) a JWT must carry
=====================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from skill.rules.dates import known_zone
from skill.rules.service_hours import ServiceHours, ServiceHoursError

if TYPE_CHECKING:
    from skill.rules.limits import DailyLimits

# The locales the skill speaks: an interaction model and templates for each, the same
# intents in all of them. A request in another locale gets the closest of these.
LOCALES = ("en-US", "en-GB", "de-DE")

# A customer's day depends on where the device is; until Alexa's settings API tells us,
# each locale's most likely zone is better than UTC.
LOCALE_TIME_ZONES: Mapping[str, str] = {
    "en-US": "America/New_York",
    "en-GB": "Europe/London",
    "de-DE": "Europe/Berlin",
}

# Where each language team works when its agents do not say (their hours are read
# there); a locale not listed works in SERVICE_TIME_ZONE.
SERVICE_TIME_ZONES: Mapping[str, str] = {
    "en-GB": "Europe/London",
    "de-DE": "Europe/Berlin",
}


# The policy ships with the code, next to the templates.
DEFAULT_REMEDY_POLICY = Path(__file__).resolve().parent.parent / "policy" / "remedies.yaml"


class ConfigurationError(Exception):
    """The settings cannot run the product; the message says which variable to set."""


# Shown as set or unset, never as their values (Settings.__repr__).
SECRETS = frozenset(
    {"console_secret", "shopify_webhook_secret", "orders_webhook_secret", "alexa_client_secret"}
)


# Never compared, and never hashed (it holds dicts): eq=False spares a cold start the
# generated __eq__ and __hash__ of some forty fields.
@dataclass(frozen=True, eq=False, repr=False)
class Settings:
    """Everything configurable, read once from the environment (:meth:`from_env`)."""

    table_name: str = "menschmoment"
    region: str | None = None
    dynamodb_endpoint: str | None = None
    skill_id: str | None = None
    userinfo_url: str | None = None
    userinfo_id_field: str = "user_id"
    default_time_zone: str | None = None
    service_phone: str = "+1 800 555 0199"
    log_level: str = "INFO"
    console_secret: str | None = None
    # How new console passwords are hashed (skill.console.passwords), in werkzeug's notation.
    password_hash_method: str = "scrypt"  # noqa: S105 (a method name, no password)
    service_hours: str = "Mon-Fri 08:00-20:00; Sat 09:00-14:00"
    service_time_zone: str = "America/New_York"
    default_handling_minutes: int = 10
    alexa_api_timeout: float = 1.5
    remedy_policy: Path = DEFAULT_REMEDY_POLICY
    # boto3: Alexa gives up after about 8 s; one call may take at most 3 attempts of 2 s
    # plus retry sleeps, and all the calls of one turn share dynamodb_turn_budget
    # (skill.storage.deadline computes the worst case of a turn from these).
    dynamodb_max_attempts: int = 3
    dynamodb_connect_timeout: float = 1.0
    dynamodb_read_timeout: float = 1.0
    notify_topic_arn: str | None = None
    sms_origination: str | None = None
    dynamodb_turn_budget: float = 5.0
    # Lambda says how it initialises: with SnapStart, work done at init is done once and
    # restored from the snapshot; without, it is paid on every cold start.
    snap_start: bool = False
    # Abuse limits (skill.rules.limits): per Alexa user and per number, per day.
    callbacks_per_day: int = 3
    reschedules_per_day: int = 3
    texts_per_day: int = 5
    # A guest's number said by voice is texted only after they confirmed it, unless this.
    text_unconfirmed: bool = False
    # Webhooks that keep the order table current (skill.usecases.webhooks); a route
    # whose secret is unset does not exist. In AWS the secrets come from SSM parameters.
    shopify_webhook_secret: str | None = None
    orders_webhook_secret: str | None = None
    shopify_webhook_secret_parameter: str | None = None
    orders_webhook_secret_parameter: str | None = None
    # The MCP endpoint for AI assistants (skill.assistants): an OAuth resource server.
    mcp_resource_url: str | None = None
    mcp_authorization_server: str | None = None
    mcp_jwks_url: str | None = None
    mcp_audience: str | None = None
    # Alexa notifications (skill.usecases.alexa_notifications): the skill's client id and
    # secret for LWA; without them none are sent. In AWS the secret is an SSM parameter.
    # The development stage reaches only the skill's testers; "live" after certification.
    alexa_client_id: str | None = None
    alexa_client_secret: str | None = None
    alexa_client_secret_parameter: str | None = None
    proactive_events_stage: str = "development"
    locale_time_zones: Mapping[str, str] = field(default_factory=lambda: dict(LOCALE_TIME_ZONES))
    service_time_zones: Mapping[str, str] = field(default_factory=lambda: dict(SERVICE_TIME_ZONES))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()

        def text(name: str, default: str | None) -> str | None:
            value = env.get(name, "").strip()
            return value or default

        return cls(
            table_name=text("TABLE_NAME", defaults.table_name) or defaults.table_name,
            region=text("AWS_REGION", None) or text("AWS_DEFAULT_REGION", None),
            dynamodb_endpoint=text("DYNAMODB_ENDPOINT", None),
            snap_start=text("AWS_LAMBDA_INITIALIZATION_TYPE", None) == "snap-start",
            skill_id=text("SKILL_ID", None),
            userinfo_url=text("USERINFO_URL", None),
            userinfo_id_field=text("USERINFO_ID_FIELD", defaults.userinfo_id_field)
            or defaults.userinfo_id_field,
            default_time_zone=text("DEFAULT_TIME_ZONE", None),
            service_phone=text("SERVICE_PHONE", defaults.service_phone) or defaults.service_phone,
            remedy_policy=Path(text("REMEDY_POLICY", None) or DEFAULT_REMEDY_POLICY),
            console_secret=text("CONSOLE_SECRET", None),
            password_hash_method=text("PASSWORD_HASH_METHOD", defaults.password_hash_method)
            or defaults.password_hash_method,
            log_level=(text("LOG_LEVEL", defaults.log_level) or defaults.log_level).upper(),
            service_hours=text("SERVICE_HOURS", defaults.service_hours) or defaults.service_hours,
            service_time_zone=text("SERVICE_TIME_ZONE", defaults.service_time_zone)
            or defaults.service_time_zone,
            default_handling_minutes=round(
                _number(env, "HANDLING_MINUTES", defaults.default_handling_minutes)
            ),
            alexa_api_timeout=_number(env, "ALEXA_API_TIMEOUT", defaults.alexa_api_timeout),
            notify_topic_arn=text("NOTIFY_TOPIC_ARN", None),
            sms_origination=text("SMS_ORIGINATION", None),
            callbacks_per_day=_count(env, "CALLBACKS_PER_DAY", defaults.callbacks_per_day),
            reschedules_per_day=_count(env, "RESCHEDULES_PER_DAY", defaults.reschedules_per_day),
            texts_per_day=_count(env, "TEXTS_PER_DAY", defaults.texts_per_day),
            text_unconfirmed=_yes(env, "TEXT_UNCONFIRMED", defaults.text_unconfirmed),
            service_time_zones=_zones(env, "SERVICE_TIME_ZONES", defaults.service_time_zones),
            shopify_webhook_secret=text("SHOPIFY_WEBHOOK_SECRET", None),
            orders_webhook_secret=text("ORDERS_WEBHOOK_SECRET", None),
            shopify_webhook_secret_parameter=text("SHOPIFY_WEBHOOK_SECRET_PARAMETER", None),
            orders_webhook_secret_parameter=text("ORDERS_WEBHOOK_SECRET_PARAMETER", None),
            mcp_resource_url=text("MCP_RESOURCE_URL", None),
            mcp_authorization_server=text("MCP_AUTHORIZATION_SERVER", None),
            mcp_jwks_url=text("MCP_JWKS_URL", None),
            mcp_audience=text("MCP_AUDIENCE", None),
            alexa_client_id=text("ALEXA_CLIENT_ID", None),
            alexa_client_secret=text("ALEXA_CLIENT_SECRET", None),
            alexa_client_secret_parameter=text("ALEXA_CLIENT_SECRET_PARAMETER", None),
            proactive_events_stage=text("PROACTIVE_EVENTS_STAGE", defaults.proactive_events_stage)
            or defaults.proactive_events_stage,
        ).validate()

    def validate(self) -> Settings:
        """Raise ConfigurationError for settings that cannot work; return self."""
        try:
            ServiceHours.parse(self.service_hours)
        except ServiceHoursError as error:
            raise ConfigurationError(f"SERVICE_HOURS: {error}") from error
        for name, value in (
            ("SERVICE_TIME_ZONE", self.service_time_zone),
            ("DEFAULT_TIME_ZONE", self.default_time_zone),
        ):
            if value and not known_zone(value):
                raise ConfigurationError(f"{name}: unknown time zone {value!r}")
        for locale, value in self.service_time_zones.items():
            if not known_zone(value):
                raise ConfigurationError(f"SERVICE_TIME_ZONES: unknown time zone {value!r}")
            if locale not in LOCALES:
                raise ConfigurationError(
                    f"SERVICE_TIME_ZONES: unknown locale {locale!r}; one of {', '.join(LOCALES)}"
                )
        if not _password_method(self.password_hash_method):
            raise ConfigurationError(
                "PASSWORD_HASH_METHOD: scrypt[:n:r:p] or pbkdf2[:sha256|:sha512][:iterations]"
            )
        if self.proactive_events_stage not in ("development", "live"):
            raise ConfigurationError("PROACTIVE_EVENTS_STAGE: development or live")
        return self

    def __repr__(self) -> str:
        # The generated repr would print the secrets into any traceback or log line that
        # shows the settings.
        shown = (
            f"{item.name}=<set>"
            if item.name in SECRETS and getattr(self, item.name)
            else f"{item.name}={getattr(self, item.name)!r}"
            for item in fields(self)
        )
        return f"Settings({', '.join(shown)})"

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def team_topic(self) -> str:
        """The team's topic, which the AWS notifier and sweep cannot work without."""
        if not self.notify_topic_arn:
            raise ConfigurationError("NOTIFY_TOPIC_ARN: the team's SNS topic is not set")
        return self.notify_topic_arn

    @property
    def daily_limits(self) -> DailyLimits:
        # Imported here: only a callback turn counts, and a launch need not load it.
        from skill.rules.limits import DailyLimits

        return DailyLimits(
            bookings=self.callbacks_per_day,
            reschedules=self.reschedules_per_day,
            texts=self.texts_per_day,
        )

    def time_zone_for(self, locale: str) -> str:
        if self.default_time_zone:
            return self.default_time_zone
        return self.locale_time_zones.get(locale, "UTC")

    def service_zone_for(self, locale: str) -> str:
        """The zone the team serving ``locale`` works in, unless its agents say."""
        return self.service_time_zones.get(locale, self.service_time_zone)


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a number, not {value!r}") from error
    if number <= 0:
        raise ConfigurationError(f"{name} must be positive")
    return number


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least one."""
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _zones(env: Mapping[str, str], name: str, default: Mapping[str, str]) -> dict[str, str]:
    """``"de-DE=Europe/Berlin; en-GB=Europe/London"``; ``none`` for no zone per locale."""
    value = env.get(name, "").strip()
    if not value:
        return dict(default)
    if value.lower() == "none":
        return {}
    zones: dict[str, str] = {}
    for part in filter(None, (chunk.strip() for chunk in value.replace(",", ";").split(";"))):
        locale, equals, time_zone = part.partition("=")
        if not equals or not locale.strip() or not time_zone.strip():
            raise ConfigurationError(
                f"{name}: cannot read {part!r}; write e.g. 'de-DE=Europe/Berlin; en-GB=…'"
            )
        zones[locale.strip()] = time_zone.strip()
    return zones


def _password_method(method: str) -> bool:
    """Whether werkzeug can hash with ``method`` (read here without importing it)."""
    name, *parameters = method.split(":")
    if name == "scrypt":
        return not parameters or (len(parameters) == 3 and all(p.isdigit() for p in parameters))
    if name == "pbkdf2":
        digest = parameters[:1] if parameters[:1] in (["sha256"], ["sha512"]) else []
        rest = parameters[len(digest) :]
        return not rest or (len(rest) == 1 and rest[0].isdigit())
    return False


def _yes(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("yes", "true", "1", "on"):
        return True
    if value in ("no", "false", "0", "off"):
        return False
    raise ConfigurationError(f"{name} must be yes or no, not {value!r}")
