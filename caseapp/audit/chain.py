"""The hash chain that makes the audit log tamper-evident.

Every entry stores the hash of the entry before it (`previous_hash`) and its own (`entry_hash`): sha256 over a
canonical serialisation of its fields and that previous hash. Changing, removing or slipping in an entry breaks
the chain from there on, and `flask --app caseapp audit-verify` names the first entry where it breaks.

The serialisation is fixed for good: changing it, or CHAINED_FIELDS, would make every existing entry fail
verification. The migration that introduced the chain seals the older entries with this same function.
"""

import hashlib
import json
from datetime import datetime

GENESIS = "0" * 64  # the previous hash of the very first entry
CHAINED_FIELDS = ("id", "at", "user_id", "organisation_id", "role", "action", "outcome", "record_type", "record_id",
                  "case_id", "person_id", "client_address", "detail")


def entry_digest(values, previous_hash):
    """The hash of one entry: `values` maps CHAINED_FIELDS to the entry's values, as the database returns them."""
    fields = {name: _plain(values[name]) for name in CHAINED_FIELDS}
    fields["previous_hash"] = previous_hash
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("audit times are naive UTC")
        # Always six digits of microseconds, so a time read back from either database serialises the same.
        return value.isoformat(sep=" ", timespec="microseconds")
    return value
