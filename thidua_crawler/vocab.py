"""The record's closed vocabularies: the codes researchers filter on (docs/schema.md).

Stated once here; the extraction rules, the ``$jsonSchema`` validator and the
researcher commands' filters all read them, so a new code is added in one place.
"""

from __future__ import annotations

#: Award and launcher levels, from the highest.
NATIONAL, CENTRAL, CENTRAL_OR_CITY, CITY, DISTRICT, COMMUNE, GRASSROOTS, UNKNOWN = (
    "national", "central", "central_or_city", "city", "district", "commune", "grassroots",
    "unknown")
LEVELS = (NATIONAL, CENTRAL, CITY, CENTRAL_OR_CITY, DISTRICT, COMMUNE, GRASSROOTS, UNKNOWN)
#: Forms of commendation (docs/schema.md: "forms").
FORMS = ("order", "medal", "honorary_title", "pm_certificate", "emulation_flag", "certificate",
         "commendation", "emulation_title", "other")
#: Kinds of emulation campaign.
KINDS = ("peak", "special", "thematic", "movement", "other")
#: Whether an award count was conferred or only proposed.
AWARDED, PROPOSED = "awarded", "proposed"
STATUSES = (AWARDED, PROPOSED, UNKNOWN)
