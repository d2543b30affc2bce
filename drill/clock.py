"""Time zones, low in the house: every layer that turns instants into a learner's days
asks here."""

from __future__ import annotations

import os
from datetime import datetime, tzinfo


def local_zone() -> tzinfo:
    """The learner's time zone with its rules, so each instant gets the offset it had then
    (22:30 UTC on 10 July is 11 July in Berlin, even in December): $TZ, else the system's
    /etc/localtime; where neither names a zone drill can read, today's offset."""
    from zoneinfo import ZoneInfo

    name = os.environ.get("TZ", "").removeprefix(":")
    try:
        if name and not name.startswith("/"):
            return ZoneInfo(name)
        with open(name or "/etc/localtime", "rb") as file:
            return ZoneInfo.from_file(file, key=name or "localtime")
    except (OSError, ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone
