"""The record's contract (docs/schema.md) as a MongoDB ``$jsonSchema`` validator.

Installed on ``articles`` where the server supports validators. A write that breaks the
contract is refused by the server, logged and spooled, never silently stored.
"""

from __future__ import annotations

import json
from typing import Any

from thidua_crawler.vocab import FORMS, KINDS, LEVELS, STATUSES

STRING = {"bsonType": "string"}
NULLABLE_STRING = {"bsonType": ["string", "null"]}
INTEGER = {"bsonType": ["int", "long"]}
NULLABLE_INTEGER = {"bsonType": ["int", "long", "null"]}
DATE = {"bsonType": "date"}
NULLABLE_DATE = {"bsonType": ["date", "null"]}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"bsonType": "object", "required": required, "properties": properties}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"bsonType": "array", "items": items}


EVIDENCE = _object(["text", "field", "start", "end"], {
    "text": STRING, "field": {"enum": ["body", "sapo", "title"]},
    "start": INTEGER, "end": INTEGER,
})
LAUNCH = _object(["title", "kind", "names", "launcher", "date", "occasion", "period",
                  "evidence"], {
    "title": STRING, "kind": {"enum": list(KINDS)}, "names": _array(STRING),
    "launcher": _object(["person", "position", "body"], {
        "person": NULLABLE_STRING, "position": NULLABLE_STRING, "body": NULLABLE_STRING,
        "level": {"enum": list(LEVELS)}, "unit": NULLABLE_STRING}),
    "date": NULLABLE_DATE, "occasion": NULLABLE_STRING,
    "period": {"bsonType": ["object", "null"], "properties": {"start": DATE, "end": DATE}},
    "evidence": EVIDENCE,
})
AWARD = _object(["count", "collectives", "individuals", "approximate", "level", "forms",
                 "status", "conferred_by", "year", "part_of", "evidence"], {
    "count": INTEGER, "collectives": NULLABLE_INTEGER, "individuals": NULLABLE_INTEGER,
    "approximate": {"bsonType": "bool"}, "level": {"enum": list(LEVELS)},
    "forms": _array({"enum": list(FORMS)}), "status": {"enum": list(STATUSES)},
    "conferred_by": NULLABLE_STRING, "year": NULLABLE_INTEGER, "part_of": NULLABLE_INTEGER,
    "evidence": EVIDENCE,
})
#: The record's fields, in the order feeds write them: the one statement of its shape.
#: A field that may be null may also be missing; every other field is required.
RECORD_PROPERTIES: dict[str, Any] = {
    "_id": {"bsonType": "string", "pattern": "^hanoimoi:[0-9]+$"},
    "url": STRING, "source": {"enum": ["hanoimoi"]}, "article_id": INTEGER,
    "title": STRING, "sapo": NULLABLE_STRING, "author": NULLABLE_STRING,
    "published_at": NULLABLE_DATE, "modified_at": NULLABLE_DATE, "lastmod": NULLABLE_DATE,
    "section": NULLABLE_STRING, "tags": _array(STRING), "body": STRING,
    "images": _array(_object(["url"], {"url": STRING, "caption": NULLABLE_STRING})),
    "districts": _array(_object(["code", "slug", "name", "kind"], {
        "code": STRING, "slug": STRING, "name": STRING,
        "kind": {"enum": ["quận", "huyện", "thị xã"]}})),
    "communes": _array(_object(["code", "name", "kind"], {
        "code": STRING, "name": STRING, "kind": {"enum": ["phường", "xã"]}})),
    "campaign_launches": _array(LAUNCH),
    "award_counts": _array(AWARD),
    "first_seen_at": DATE, "crawled_at": DATE,
    "content_hash": {"bsonType": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
    "extractor_version": STRING,
    "parser": {"bsonType": ["object", "null"]},
}
RECORD_FIELDS = tuple(RECORD_PROPERTIES)
ARTICLE_VALIDATOR: dict[str, Any] = {"$jsonSchema": _object(
    [name for name, rule in RECORD_PROPERTIES.items() if "null" not in rule.get("bsonType", ())],
    RECORD_PROPERTIES,
)}

#: BSON types as JSON Schema types; dates are ISO 8601 text in feeds.
_JSON_TYPES = {"string": "string", "int": "integer", "long": "integer", "bool": "boolean",
               "object": "object", "array": "array", "null": "null", "date": "string"}
#: A calendar date (``2023-04-07``) or an instant with its offset (``2023-04-07T15:04:00+07:00``).
ISO_DATE = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
            r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$")


def _json_schema(node: dict[str, Any]) -> dict[str, Any]:
    """One node of the MongoDB validator as standard JSON Schema for the feed form."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "bsonType":
            types = [value] if isinstance(value, str) else value
            names = list(dict.fromkeys(_JSON_TYPES[t] for t in types))
            out["type"] = names[0] if len(names) == 1 else names
            if "date" in types:
                out["pattern"] = ISO_DATE
        elif key == "properties":
            out[key] = {name: _json_schema(child) for name, child in value.items()}
        elif key == "items":
            out[key] = _json_schema(value)
        else:
            out[key] = value
    return out


#: The same contract for a feed line (JSON Schema draft 2020-12): what Spidermon checks every
#: crawled record against, and what ``docs/article.schema.json`` holds for researchers.
FEED_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A hanoimoi article record, as a feed line (docs/schema.md)",
    **_json_schema(ARTICLE_VALIDATOR["$jsonSchema"]),
}

if __name__ == "__main__":  # python -m thidua_crawler.schema > docs/article.schema.json
    print(json.dumps(FEED_SCHEMA, ensure_ascii=False, indent=1))
