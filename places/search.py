# ruff: noqa: S608 (the SQL is built from fixed fragments only; every value is a parameter)
"""Finding an address from what an operator types while the caller talks: "storvretsv 1",
"1 Storvretsvägen", "Storvretsvagen 1B", "141 52", "Flemingsberg", "storvretsv 1 flemingsberg".

Every query is read the same way on SQLite and PostgreSQL (places.text folds both the rows and
the query in Python), and the answer is built in three steps, each only when the one before
left room (decision 0017):

1. A street that begins with one of the typed words, the other words anywhere in the address:
   a range on the ordered index of `search_text`, one street at a time, so even a two-letter
   start among millions of doors reads a few index entries.
2. The words anywhere ("vretsvägen", a locality): the trigram index (pg_trgm's GIN on
   PostgreSQL, an FTS5 trigram table on SQLite) finds the rows holding them.
3. Only when nothing was found, near spellings of a long word ("Storvretsvägem"): rows that
   hold one half of it, scored by shared trigrams.

A house number is matched exactly in SQL ("1" never finds 11); "1B" puts the B first and the
other entrances of 1 after it. Ties go by street, number as a number, and letter.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection

from .models import Address
from .text import fold, number_split, query_words, word_similarity

SEARCH_LIMIT = 8
# Fewer letters than this find nothing: one letter is half the register.
TEXT_MIN_CHARS = 2
# The trigram indexes only know pieces of three letters.
TRIGRAM_MIN_CHARS = 3
# Rows read for a word anywhere (step 2), put in street order.
SUBSTRING_CANDIDATES = 500
# Near spellings: words this long or longer, rows read per word, and how near is near.
NEAR_MIN_CHARS = 6
NEAR_CANDIDATES = 3000
# Streets beginning as the typed word does that are held against it.
NEAR_STREETS = 300
NEAR_THRESHOLD = 0.6
# A written address is placed only when it names one door; this many are read to know.
GEOCODE_LOOK = 20

STEP_PREFIX, STEP_ANYWHERE, STEP_NEAR = 1, 2, 3


@dataclass
class Wanted:
    """A query taken apart: street and locality words, a house number, a postcode."""

    words: list[str] = field(default_factory=list)
    # The words as typed, only lower-cased, for preferring "Ågatan" when "Ågatan" was typed.
    spelt: dict[str, str] = field(default_factory=dict)
    number: str = ""
    letter: str = ""
    postcode: str = ""
    postcode_start: str = ""

    @property
    def searchable(self) -> bool:
        return sum(len(w) for w in self.words) >= TEXT_MIN_CHARS or bool(
            self.postcode or self.postcode_start
        )


@dataclass
class Hit:
    id: int
    street: str
    number: str
    letter: str
    search_text: str
    step: int
    score: float = 1.0

    @property
    def door_order(self) -> tuple:
        return (
            street_key(self.street),
            len(self.number),
            self.number,
            self.letter,
            self.street,
            self.search_text,
            self.id,
        )


street_key = lru_cache(maxsize=4096)(fold)
similarity = lru_cache(maxsize=4096)(word_similarity)


def upper(prefix: str) -> str:
    """The first text after every text beginning with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def wanted_read(query: str) -> Wanted:
    """ "storvretsv 1B flemingsberg" -> words [storvretsv, flemingsberg], number 1, letter b."""
    wanted = Wanted()
    digits: list[str] = []
    for word in query_words(query):
        door = number_split(word)
        if word.isdigit() and len(word) == 5:
            wanted.postcode = word
        elif door and not wanted.number and len(door[0]) <= 4:
            wanted.number, wanted.letter = door
            digits.append(word)
        elif word.isdigit():
            digits.append(word)
        elif word not in wanted.words:
            wanted.words.append(word)
    if not wanted.words:
        # Only digits: a postcode being typed ("141", "141 5"), never a house number alone.
        start = wanted.postcode or "".join(d for d in digits if d.isdigit())
        wanted.number = wanted.letter = wanted.postcode = ""
        if 3 <= len(start) <= 5 and start.isdigit():
            wanted.postcode_start = start
    for raw in query.casefold().split():
        raw = raw.strip(".,;:!?()")
        if fold(raw) in wanted.words:
            wanted.spelt.setdefault(fold(raw), raw)
    return wanted


def like_escape(word: str) -> str:
    """A folded word inside a LIKE pattern: "_" is a letter to us and a wildcard to SQL."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Query:
    """The SQL of one search, with what differs between the two databases in one place."""

    def __init__(self, wanted: Wanted, municipality: str):
        self.wanted = wanted
        self.municipality = municipality
        self.pg = connection.vendor == "postgresql"
        # Both databases compare the folded text byte by byte, as Python does.
        self.text = 'search_text COLLATE "C"' if self.pg else "search_text"
        # Backslash is PostgreSQL's own escape; SQLite has none unless told.
        self.escape = "" if self.pg else " ESCAPE '\\'"
        self.street = 'street COLLATE "C"' if self.pg else "street"
        self.letter = 'letter COLLATE "C"' if self.pg else "letter"
        # House numbers are digits: the shorter is the smaller.
        self.number = 'number COLLATE "C"' if self.pg else "number"

    def where(self, words: list[str], letter: str | None, t: str = "") -> tuple[list, list]:
        """Conditions every step shares: the number (with `letter` the entrance asked for,
        "" any other entrance, None any), the postcode, the municipality, the words. `t` is
        the table's alias."""
        sql, params = [], []
        wanted = self.wanted
        if wanted.number:
            sql.append(f"{t}number = %s")
            params.append(wanted.number)
            if letter is not None and wanted.letter:
                sql.append(f"LOWER({t}letter) {'=' if letter else '<>'} %s")
                params.append(wanted.letter)
        if wanted.postcode:
            sql.append(f"{t}postcode = %s")
            params.append(wanted.postcode)
        elif wanted.postcode_start:
            sql.append(f"{t}postcode >= %s AND {t}postcode < %s")
            params += [wanted.postcode_start, upper(wanted.postcode_start)]
        if self.municipality:
            sql.append(f"LOWER({t}municipality) = LOWER(%s)")
            params.append(self.municipality)
        for word in words:
            sql.append(f"{t}search_text LIKE %s{self.escape}")
            params.append(f"%{like_escape(word)}%")
        return sql, params

    def rows(self, sql: str, params: list, step: int) -> list[Hit]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [Hit(*row, step=step) for row in cursor.fetchall()]

    def doors_in_order(
        self,
        low: str,
        high: str | None,
        words: list[str],
        limit: int,
        letter,
        spelt: str = "",
    ) -> list[Hit]:
        """Doors whose search text lies in [low, high) and holds `words`, in street order,
        one street at a time: find the first street from the ordered index, read its doors
        in number order, go on after it. Each street is a range on the index, so a start
        that matches a hundred thousand doors costs no more than one that matches ten."""
        conditions, params = self.where(words, letter)
        extra = "".join(f" AND {c}" for c in conditions)
        bound = f" AND {self.text} < %s" if high is not None else ""
        bound_params = [high] if high is not None else []
        # Among equal doors the spelling as typed first: "Ågatan 1" before "Agatan 1".
        prefer, prefer_params = "", []
        if spelt and not spelt.isascii():
            prefer = f"CASE WHEN street LIKE %s{self.escape} OR street LIKE %s{self.escape} "
            prefer += "THEN 0 ELSE 1 END, "
            prefer_params = [like_escape(spelt) + "%", like_escape(spelt.capitalize()) + "%"]
        order = (
            f" ORDER BY LENGTH(number), {self.number}, {self.letter}, {prefer}{self.street},"
            f" {self.text}, id LIMIT %s"
        )
        found: list[Hit] = []
        for _street in range(limit):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT search_text, street FROM places_address WHERE {self.text} >= %s"
                    f"{bound}{extra} ORDER BY {self.text} LIMIT 1",
                    [low, *bound_params, *params],
                )
                first = cursor.fetchone()
            if first is None:
                break
            # One street: its name, a space, a digit ("storgatan 1…", not "storgatan norra").
            key = street_key(first[1])
            start, end = key + " 0", key + " :"
            if not start <= first[0] < end:
                start, end = first[0], first[0] + "\x00"  # no number: the door alone
            select = (
                "SELECT id, street, number, letter, search_text FROM places_address"
                f" WHERE {self.text} >= %s AND {self.text} < %s{extra}"
            )
            wanted = limit - len(found)
            street_params = [start, end, *params]
            hits: list[Hit] = []
            if not self.wanted.number:
                # A common name has thousands of doors; the first few by number are among
                # the doors numbered up to as many as are wanted, read from the index of
                # number and text. Only a street short of those reads all its doors.
                low_numbers = ["", *(str(n) for n in range(wanted + 1))]
                marks = ", ".join(["%s"] * len(low_numbers))
                hits = self.rows(
                    f"{select} AND number IN ({marks}){order}",
                    [*street_params, *low_numbers, *prefer_params, wanted],
                    STEP_PREFIX,
                )
            if len(hits) < wanted:
                hits = self.rows(
                    f"{select}{order}", [*street_params, *prefer_params, wanted], STEP_PREFIX
                )
            found += hits
            if len(found) >= limit:
                break
            low = end
        return found

    def postcodes_in_order(self, limit: int) -> list[Hit]:
        """Only a postcode typed, whole or begun ("141"): the doors of each postcode in
        turn, each in street order (one range on the index of postcode and text)."""
        start = self.wanted.postcode_start
        found: list[Hit] = []
        code, low_op = start, ">="
        for _postcode in range(limit):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT postcode FROM places_address WHERE postcode {low_op} %s"
                    " AND postcode < %s ORDER BY postcode LIMIT 1",
                    [code, upper(start)],
                )
                row = cursor.fetchone()
            if row is None:
                break
            code, low_op = row[0], ">"
            one = Query(Wanted(postcode=code), self.municipality)
            found += one.doors_in_order("", None, [], limit - len(found), None)
            if len(found) >= limit:
                break
        return found

    def first_words(self, prefix: str) -> list[str]:
        """The distinct first words of the texts beginning with `prefix` (the streets'
        first words), at most NEAR_STREETS: one index step each, in one statement."""
        if self.pg:
            first = "split_part(search_text, ' ', 1)"
        else:
            first = "substr(search_text, 1, instr(search_text || ' ', ' ') - 1)"
        step = (
            f"SELECT {first} FROM places_address WHERE {self.text} >= {{low}}"
            f" AND {self.text} < %s ORDER BY {self.text} LIMIT 1"
        )
        sql = (
            f"WITH RECURSIVE k(word, n) AS (SELECT ({step.format(low='%s')}), 1"
            f" UNION ALL SELECT ({step.format(low='k.word || %s')}), k.n + 1 FROM k"
            " WHERE k.word IS NOT NULL AND k.n < %s) SELECT word FROM k WHERE word IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [prefix, upper(prefix), "!", upper(prefix), NEAR_STREETS])
            return [row[0] for row in cursor.fetchall()]

    def trigram_rows(self, pieces: list[str], words: list[str], cap: int, letter, step: int):
        """Rows holding any of `pieces` (3+ letters each) and all `words`, at most `cap`,
        found by the trigram index."""
        conditions, params = self.where(words, letter, "a.")
        columns = "a.id, a.street, a.number, a.letter, a.search_text"
        if self.pg:
            anyof = " OR ".join("a.search_text LIKE %s" for _ in pieces)
            conditions = [*conditions, f"({anyof})"]
            params += [f"%{like_escape(p)}%" for p in pieces]
            sql = f"SELECT {columns} FROM places_address a WHERE {' AND '.join(conditions)}"
        else:
            match = " OR ".join(f'"{p}"' for p in pieces)
            sql = (
                f"SELECT {columns} FROM places_address_fts f JOIN places_address a"
                " ON a.id = f.rowid WHERE places_address_fts MATCH %s"
                + "".join(f" AND {c}" for c in conditions)
            )
            params = [match, *params]
        return self.rows(f"{sql} LIMIT %s", [*params, cap], step)


def hits_find(wanted: Wanted, *, limit: int, municipality: str = "") -> list[Hit]:
    """The best `limit` doors for a query, best first, without loading them."""
    if not wanted.searchable:
        return []
    query = Query(wanted, municipality)
    found: list[Hit] = []
    seen: set[int] = set()

    def keep(hits: list[Hit]) -> None:
        for hit in hits:
            if hit.id not in seen and len(found) < limit:
                seen.add(hit.id)
                found.append(hit)

    if not wanted.words:
        return query.postcodes_in_order(limit)
    # The entrance asked for first ("1B"), then the other entrances of that number.
    letters = [wanted.letter, ""] if wanted.letter else [None]
    # 1. A street beginning with one of the words, the others anywhere.
    for letter in letters:
        for word in wanted.words:
            others = [w for w in wanted.words if w != word]
            spelt = wanted.spelt.get(word, "")
            keep(query.doors_in_order(word, upper(word), others, limit, letter, spelt))
            if len(found) >= limit:
                return found
    if found:
        return found
    # 2. No street begins so: the words anywhere ("vretsvägen", a locality alone).
    long_words = [w for w in wanted.words if len(w) >= TRIGRAM_MIN_CHARS]
    for letter in letters if long_words else []:
        longest = max(long_words, key=len)
        others = [w for w in wanted.words if w != longest]
        # A word many thousand rows hold (a locality alone) is not read whole: the first
        # SUBSTRING_CANDIDATES rows the index gives are put in street order, and the
        # operator narrows with a street.
        rows = query.trigram_rows([longest], others, SUBSTRING_CANDIDATES, letter, STEP_ANYWHERE)
        keep(sorted(rows, key=lambda h: door_spelt_order(h, wanted)))
    if found:
        return found
    # 3. Nothing found: near spellings of the long words.
    for letter in letters:
        keep(hits_near(query, wanted, letter, limit))
    return found


def hits_near(query: Query, wanted: Wanted, letter, limit: int) -> list[Hit]:
    """Doors whose street is spelt nearly as a long typed word. A slip of one letter leaves
    the letters before it whole: the streets beginning with the first half of the word (the
    slip in the second half), else with its first three letters, are held against it. A slip
    in the first three letters leaves the second half whole: the rows holding it are read."""
    for word in sorted((w for w in wanted.words if len(w) >= NEAR_MIN_CHARS), key=len)[::-1]:
        others = [w for w in wanted.words if w != word]
        near: list[tuple[float, str]] = []
        for prefix in dict.fromkeys((word[: len(word) // 2], word[:3])):
            near = [(similarity(word, w), w) for w in query.first_words(prefix)]
            near = [(score, w) for score, w in near if score >= NEAR_THRESHOLD]
            if near:
                break
        found: list[Hit] = []
        for score, key in sorted(near, key=lambda n: (-round(n[0], 6), n[1])):
            for hit in query.doors_in_order(key, key + "!", others, limit - len(found), letter):
                hit.step, hit.score = STEP_NEAR, score
                found.append(hit)
            if len(found) >= limit:
                return found
        if found:
            return found
        rows = query.trigram_rows(
            [word[len(word) // 2 :]], others, NEAR_CANDIDATES, letter, STEP_NEAR
        )
        for row in rows:
            row.score = max((similarity(word, t) for t in row.search_text.split()), default=0)
        rows = [r for r in rows if r.score >= NEAR_THRESHOLD]
        if rows:
            return sorted(rows, key=lambda h: (-round(h.score, 6), h.door_order))[:limit]
    return []


def door_spelt_order(hit: Hit, wanted: Wanted) -> tuple:
    """Street order, the spelling as typed first among equal doors (as doors_in_order)."""
    door = hit.door_order
    return (*door[:4], spelling_missed(hit, wanted), *door[4:])


def spelling_missed(hit: Hit, wanted: Wanted) -> bool:
    """False when the address holds every word as it was typed, diacritics and all."""
    street = hit.street.casefold()
    return not all(s in street or s in hit.search_text for s in wanted.spelt.values())


def addresses_load(hits: list[Hit]) -> list[Address]:
    by_id = Address.objects.select_related("district").in_bulk([h.id for h in hits])
    return [by_id[h.id] for h in hits if h.id in by_id]


def address_search(
    query: str, *, limit: int = SEARCH_LIMIT, municipality: str = ""
) -> list[Address]:
    """The register's best matches for a typed address, best first."""
    if limit <= 0:
        return []
    return addresses_load(hits_find(wanted_read(query), limit=limit, municipality=municipality))


def address_geocode(text: str, *, postcode: str = "", municipality: str = "") -> Address | None:
    """The one register entry a written address names, or None when it names none or
    several (a street without a number, "Storgatan 1" in two localities, "Storvrets 1"
    that begins two streets)."""
    wanted = wanted_read(f"{text} {postcode}".strip())
    if not wanted.number or not wanted.words:
        return None
    hits = hits_find(wanted, limit=GEOCODE_LOOK, municipality=municipality)
    exact = [h for h in hits if h.letter.casefold() == wanted.letter]
    if not exact:
        return None
    best_step = min(h.step for h in exact)
    exact = [h for h in exact if h.step == best_step]
    if len(exact) > 1:
        # "Ågatan 1" typed with its ring names Ågatan, not Agatan.
        spelt = [h for h in exact if not spelling_missed(h, wanted)]
        if len(spelt) == 1 and wanted.spelt and any(not s.isascii() for s in wanted.spelt.values()):
            exact = spelt
    if len(exact) != 1:
        return None
    if best_step == STEP_NEAR and len({fold(h.street) for h in hits if h.step == STEP_NEAR}) > 1:
        return None
    return addresses_load(exact)[0]
