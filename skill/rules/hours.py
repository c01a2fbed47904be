"""When a language team can call: its agents' hours, each in their own zone, and the
customer's day.

A team is open while any of its agents works (the union of their hours). An agent with
no hours of their own works the deployment's ``SERVICE_HOURS``, and with no zone of
their own, the team's zone for the customer's locale (``SERVICE_TIME_ZONES``). A call is
promised only while the team is open *and* it is day where the customer is
(:data:`CUSTOMER_DAY`)::

    Berlin      00    04    08    12    16    20    24
    team (de)               [=================)            08:00-20:00 Europe/Berlin
    customer's day          [=====================)        08:00-21:00 their zone
    reachable               [=================)

    asked at 01:30 ──────────> 08:00, the next opening, not "in about 10 minutes"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from skill.records.callbacks import Agent
from skill.rules.dates import known_zone, zone
from skill.rules.service_hours import ServiceHours, ServiceHoursError

# When a customer may be called in their own zone, every day of the week: never at night.
CUSTOMER_DAY = ServiceHours.parse("Mon-Sun 08:00-21:00")
# Looked this far ahead for an hour when the team is open and the customer awake; past
# it (a team that works only while the customer sleeps) the team's own opening is used.
_SEARCH_DAYS = 15


@dataclass(frozen=True)
class ZonedHours:
    """Opening hours read in one time zone: an agent's shift, or the customer's day."""

    hours: ServiceHours
    zone: tzinfo

    def earliest(self, moment: datetime) -> datetime:
        return self.hours.earliest(moment, self.zone)


@dataclass(frozen=True)
class TeamHours:
    """A team is open while any of its agents is: the union of their shifts."""

    shifts: tuple[ZonedHours, ...]

    def earliest(self, moment: datetime) -> datetime:
        return min(shift.earliest(moment) for shift in self.shifts)

    def is_open(self, moment: datetime) -> bool:
        return self.earliest(moment) == moment


@dataclass(frozen=True)
class Reachable:
    """When a call can happen: the team is open and it is day where the customer is."""

    team: TeamHours
    day: ZonedHours

    def earliest(self, moment: datetime) -> datetime:
        # Alternate between the team's next opening and the customer's next morning until
        # both agree; each round moves on to a later morning, so a few rounds suffice.
        at = moment
        while at - moment <= timedelta(days=_SEARCH_DAYS):
            opens = self.team.earliest(at)
            awake = self.day.earliest(opens)
            if awake == opens:
                return opens
            at = awake
        return self.team.earliest(moment)


@lru_cache(maxsize=64)
def _parsed(text: str) -> ServiceHours | None:
    try:
        return ServiceHours.parse(text)
    except ServiceHoursError:
        return None


def shift(agent: Agent, default: ZonedHours) -> ZonedHours:
    """The agent's own hours in their own zone; what they leave out, the team's.

    Hours or a zone that cannot be read (stored by hand) count as not given.
    """
    own = _parsed(agent.hours) if agent.hours else None
    own_zone = zone(agent.time_zone) if agent.time_zone and known_zone(agent.time_zone) else None
    return ZonedHours(own or default.hours, own_zone or default.zone)


def team_hours(agents: Sequence[Agent], language: str, default: ZonedHours) -> TeamHours:
    """The hours of the team that speaks ``language``: the union of its agents' shifts.

    Like :func:`skill.rules.callbacks.choose_agent`, a language nobody speaks is served by
    everyone; with no agents at all, the team works ``default``.
    """
    speakers = [agent for agent in agents if language in agent.languages] or list(agents)
    return TeamHours(tuple(shift(agent, default) for agent in speakers) or (default,))


def reachable(team: TeamHours, customer_zone: tzinfo) -> Reachable:
    """When the customer in ``customer_zone`` can be called by ``team``."""
    return Reachable(team, ZonedHours(CUSTOMER_DAY, customer_zone))
