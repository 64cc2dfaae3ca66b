"""Normalised forms of names and addresses: what the registry searches, and compares to find duplicates.

Every search column holds plain ASCII (lower case, accents folded, punctuation gone), so a B-tree index in
byte order (collation "C" on PostgreSQL, BINARY on SQLite) answers a prefix as a range scan on both databases.
Tussenvoegsels are left out of the surname (a user types "de Vries", "Vries" or "v/d Meer"), and the phonetic
key folds the common Dutch spelling variants (ij/ei/y, ss/s, dt/d/t, ch/g, ...) so that a misspelt name is
still found.
"""

import re
import unicodedata

# Tussenvoegsels and their abbreviations ("v/d" folds to "v d"); they are not part of the searchable surname.
PARTICLES = frozenset({
    "van", "de", "der", "den", "het", "t", "te", "ter", "ten", "in", "op", "aan", "bij", "onder", "over", "uit",
    "voor", "v", "d", "vd", "vander", "vanden", "vande", "la", "le", "du", "des", "da", "di", "del", "della", "dos",
})
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "đ": "d", "þ": "th"})
_POSTCODE = re.compile(r"\b([1-9][0-9]{3}) ?([a-z]{2})\b")
_HOUSE_NUMBER = re.compile(r"\b[0-9]+(?: ?[a-z]\b)?")
# Spelling variants, applied in this order; then double letters collapse.
_SOUNDS = (
    ("sch", "s"), ("ij", "y"), ("ei", "y"), ("ey", "y"), ("ie", "i"), ("ouw", "au"), ("auw", "au"), ("ou", "au"),
    ("ch", "g"), ("ph", "f"), ("th", "t"), ("dt", "t"), ("ck", "k"), ("c", "k"), ("q", "k"), ("x", "ks"),
    ("z", "s"), ("v", "f"), ("w", "f"), ("oe", "u"), ("h", ""),
)
_DOUBLE = re.compile(r"(.)\1+")


def fold(text):
    """Lower case ASCII letters, digits and single spaces: accents folded, all else a space."""
    text = unicodedata.normalize("NFKD", (text or "").lower().translate(_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def name_words(text):
    """The words of a name or query without tussenvoegsels, unless they are all there is."""
    words = fold(text).split()
    return [word for word in words if word not in PARTICLES] or words


def phonetic(word):
    """A key shared by the usual spellings of a Dutch name: Janssen/Jansen, Meijer/Meyer, Smid/Smit."""
    for written, sound in _SOUNDS:
        word = word.replace(written, sound)
    word = _DOUBLE.sub(r"\1", word)
    return word[:-1] + "t" if word.endswith("d") else word


def search_name(first_name, last_name):
    """'surname first names', the order a registry sorts in. The tussenvoegsel is left out, also where it was
    typed into the surname: "de Vries" is found as "vries"."""
    return " ".join([*name_words(last_name), *fold(first_name).split()])


def search_phonetic(first_name, last_name):
    return " ".join(phonetic(word) for word in search_name(first_name, last_name).split())


def search_address(address):
    """The address without its postcode: 'kerkstraat 12a lisse'."""
    return " ".join(_POSTCODE.sub(" ", fold(address)).split())


def search_postcode(address):
    """Postcode and house number, '2161ab 12a', or '' when the address has no postcode."""
    folded = fold(address)
    found = _POSTCODE.search(folded)
    if found is None:
        return ""
    # The house number is the last number before the postcode ("1e Hogeweg 5"), or the first after it.
    numbers = _HOUSE_NUMBER.findall(folded[:found.start()])[-1:] or _HOUSE_NUMBER.findall(folded[found.end():])[:1]
    postcode = found.group(1) + found.group(2)
    return f"{postcode} {numbers[0].replace(' ', '')}" if numbers else postcode


def query_postcode(query):
    """A query that starts with a postcode, as the start of a search_postcode value; None otherwise."""
    folded = fold(query)
    found = _POSTCODE.match(folded)
    if found is None:
        return None
    rest = folded[found.end():].replace(" ", "")
    return found.group(1) + found.group(2) + (f" {rest}" if rest else "")


def prefix_range(column, prefix):
    """`column` starts with `prefix`, as a range an index can scan (the prefix is folded ASCII)."""
    return (column >= prefix) & (column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def name_condition(column, words):
    """The name column matches the words as 'surname first names' in any rotation; the last word typed is
    a prefix (type-ahead), the others are whole words.

    Rotation i reads words[i:] as the start of the name and words[:i] as what follows: "jan jansen" is tried
    as "jan jansen…" and as "jansen… jan…", so it finds "jansen jan"; "anna de vries" finds "vries anna maria".
    The words up to the one typed last are a prefix an index answers as a range; the rest is a LIKE on
    the rows in that range.
    """
    conditions = []
    for i in range(len(words)):
        start, rest = " ".join(words[i:]), words[:i]
        condition = prefix_range(column, start)
        if rest:
            condition &= column.like(f"{start}% {' '.join(rest)}%")
        conditions.append(condition)
    return conditions
