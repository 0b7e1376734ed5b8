"""Where a trial is for a patient: the patient's place in words resolved, the nearest site, whom to contact.

    >>> parse_radius("100mi")
    160.934
    >>> patient = place_patient(parse_patient({"conditions": ["glioma"], "location": {"near": "77030"}}),
    ...                         Gazetteer.load(settings.data_dir))               # doctest: +SKIP
    >>> nearest_site(doc, patient.location).distance_km                          # doctest: +SKIP
    3.1

A radius is `100km`, `100mi` or a bare number of kilometres. `place_patient` turns `location.near` into
coordinates with the gazetteer and raises `PlaceAmbiguous` (naming the candidates) or `PlaceUnknown`.
"""

from __future__ import annotations

import re

from search.gazetteer import Gazetteer, distance_km
from search.models import Contact, IndexDocument, Location, NearestSite, PatientProfile, Site, Whereabouts

KM_PER_MILE = 1.609344
_RADIUS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km|kilometers?|kilometres?|mi|miles?)?\s*$", re.IGNORECASE)


def parse_radius(text: str) -> float:
    """Kilometres of "100km", "100 mi", "100" (km); ValueError saying how to write it otherwise."""
    m = _RADIUS.match(text or "")
    if not m or float(m[1]) <= 0:
        raise ValueError(f"{text!r} is not a radius: write a positive distance such as 100km, 60mi or 100 (km)")
    value = float(m[1])
    return round(value * KM_PER_MILE, 3) if (m[2] or "km").lower().startswith("mi") else value


def resolve_location(location: Location, gazetteer: Gazetteer) -> Location:
    """`location` with coordinates: `near` resolved (PlaceError when it cannot be), or as given."""
    if location.placed:
        return location if location.label else location.model_copy(
            update={"label": location.near or f"{location.lat:g}, {location.lon:g}"})
    place = gazetteer.resolve(location.near or "")
    return location.model_copy(update={"lat": place.lat, "lon": place.lon, "label": place.label})


def place_patient(patient: PatientProfile, gazetteer: Gazetteer) -> PatientProfile:
    """The patient with a location in words resolved to coordinates (unchanged without a location)."""
    if patient.location is None or patient.location.placed:
        return patient
    return patient.model_copy(update={"location": resolve_location(patient.location, gazetteer)})


def _distance(site: Site, location: Location) -> float | None:
    if site.lat is None or site.lon is None or location.lat is None or location.lon is None:
        return None
    return distance_km(location.lat, location.lon, site.lat, site.lon)


def closest(doc: IndexDocument | Whereabouts, location: Location | None) -> tuple[Site, float] | None:
    """The trial's site nearest to `location` with its distance in km; None without a location or a placed site."""
    if location is None:
        return None
    measured = [(site, d) for site in doc.sites if (d := _distance(site, location)) is not None]
    return min(measured, key=lambda pair: pair[1]) if measured else None


def nearest_site(doc: IndexDocument | Whereabouts, location: Location | None) -> NearestSite | None:
    found = closest(doc, location)
    if found is None:
        return None
    site, km = found
    return NearestSite(facility=site.facility, city=site.city, state=site.state, zip=site.zip, country=site.country,
                       status=site.status, distance_km=round(km, 1))


def trial_contacts(doc: IndexDocument | Whereabouts, location: Location | None) -> list[Contact]:
    """The registry's central contacts; without any, those of the nearest site (or of the first site that has some)."""
    if doc.contacts:
        return doc.contacts
    found = closest(doc, location)
    if found and found[0].contacts:
        return found[0].contacts
    return next((site.contacts for site in doc.sites if site.contacts), [])
