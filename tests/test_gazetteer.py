"""Place words to coordinates offline: packaged place data, the registry's own places, and legacy sites placed."""

from __future__ import annotations

import json

import pytest

from ingest.loaders import iter_source
from search.documents import build_document
from search.gazetteer import Gazetteer, PlaceAmbiguous, PlaceUnknown, RegistryPlaces, distance_km
from search.geo import nearest_site, parse_radius, place_patient
from search.models import Location, PatientProfile
from tests.backend_suite import NTRK_DIR, STUDIES_DIR
from tests.test_ingest_loaders import LEGACY

MD_ANDERSON = (29.7071, -95.3981)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    places = RegistryPlaces()
    for loaded in iter_source(STUDIES_DIR):
        places.add_study(loaded.study)
    return Gazetteer(places)


def km_from(place, point) -> float:
    return distance_km(place.lat, place.lon, *point)


@pytest.mark.parametrize("text", ["Houston, TX", "Houston, Texas", "Houston TX", "houston", "77030", "77030-4009",
                                  "29.76, -95.36"])
def test_houston_written_any_way_is_near_md_anderson(gazetteer, text):
    assert km_from(gazetteer.resolve(text), MD_ANDERSON) < 15


@pytest.mark.parametrize(("text", "label"), [
    ("Lyon", "Lyon, France"), ("Lyon, France", "Lyon, France"), ("Paris", "Paris, France"),
    ("Saint Louis, MO", "St. Louis, Missouri, United States"), ("Roma, Italy", "Rome, Italy"),
    ("Boston, Massachusetts", "Boston, Massachusetts, United States"),
])
def test_a_sizeable_city_resolves_to_one_place(gazetteer, text, label):
    assert gazetteer.resolve(text).label == label


def test_a_postal_code_outside_the_us_resolves_through_the_registry(gazetteer):
    place = gazetteer.resolve("75013, France")  # a Paris site of a shared record
    assert place.country == "FR" and km_from(place, (48.85, 2.35)) < 10


def test_a_postal_code_of_two_countries_is_ambiguous_until_the_country_is_given(gazetteer):
    with pytest.raises(PlaceAmbiguous) as raised:
        gazetteer.resolve("75013")  # Allen, Texas and Paris 13e
    assert {c.country for c in raised.value.candidates} == {"US", "FR"}
    assert gazetteer.resolve(raised.value.candidates[0].label).country == raised.value.candidates[0].country


def test_a_name_shared_by_cities_of_similar_size_is_ambiguous_and_names_them(gazetteer):
    with pytest.raises(PlaceAmbiguous) as raised:
        gazetteer.resolve("Springfield")
    labels = [c.label for c in raised.value.candidates]
    assert "Springfield, Illinois, United States" in labels and "Springfield, Missouri, United States" in labels
    assert "Springfield, Illinois" in str(raised.value)


def test_the_state_settles_an_ambiguous_name(gazetteer):
    assert gazetteer.resolve("Springfield, IL").label == "Springfield, Illinois, United States"


@pytest.mark.parametrize("text", ["Atlantis under the sea", "", "99999", "95, 200"])
def test_an_unknown_place_says_what_to_write(gazetteer, text):
    with pytest.raises(PlaceUnknown, match="ZIP|latitude|no place"):
        gazetteer.resolve(text)


def test_registry_places_survive_a_save_and_load(gazetteer, tmp_path):
    gazetteer.registry.save(tmp_path)
    loaded = Gazetteer.load(tmp_path)
    assert loaded.registry.to_json() == gazetteer.registry.to_json()
    assert json.loads((tmp_path / "gazetteer.json").read_text())["version"] == 1


def test_a_legacy_site_without_coordinates_is_placed_at_its_zip():
    (loaded,) = iter_source(LEGACY / "NCT00000169.xml")
    doc = build_document(loaded.study, _no_facts(loaded.study), Gazetteer())
    houston = next(s for s in doc.sites if s.city == "Houston")
    assert houston.placed and distance_km(houston.lat, houston.lon, *MD_ANDERSON) < 15
    near = Location(lat=29.76, lon=-95.36, radius_km=50)
    assert nearest_site(doc, near).facility == "University of Houston, College of Optometry"


def test_a_registry_geopoint_is_kept_as_given(gazetteer):
    (loaded,) = iter_source(NTRK_DIR / "NCT04879121.json")
    doc = build_document(loaded.study, _no_facts(loaded.study), gazetteer)
    assert [(s.lat, s.lon, s.placed) for s in doc.sites] == [(29.76328, -95.36327, False)]


def test_place_patient_fills_the_coordinates_and_the_label(gazetteer):
    patient = PatientProfile(conditions=["x"], location=Location(near="Lyon", radius_km=30))
    located = place_patient(patient, gazetteer).location
    assert (located.label, round(located.lat), round(located.lon), located.radius_km) == ("Lyon, France", 46, 5, 30)


@pytest.mark.parametrize(("text", "km"), [("100km", 100), ("100 km", 100), ("100", 100), ("60mi", 96.561),
                                          ("1 mile", 1.609)])
def test_a_radius_is_km_or_miles(text, km):
    assert parse_radius(text) == pytest.approx(km, abs=0.001)


@pytest.mark.parametrize("text", ["far", "-5km", "0", "10 parsecs"])
def test_a_bad_radius_says_how_to_write_one(text):
    with pytest.raises(ValueError, match="not a radius"):
        parse_radius(text)


def _no_facts(study):
    from nlp.models import TrialCriteria

    return TrialCriteria(nct_id=study["protocolSection"]["identificationModule"]["nctId"])
