"""Trial page: registry facts, extracted facts highlighted in the criteria, sites, similar trials (AppTest)."""

from __future__ import annotations

import pytest

from tests.ui_data import MODEL_TRIAL, NTRK_TRIALS, app_test, texts, use_built_data_dir

TRIAL = "views/trial.py"


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch):
    return use_built_data_dir(tmp_path_factory, monkeypatch)


@pytest.fixture
def model_trial(data_dir):
    return app_test(TRIAL, nct=MODEL_TRIAL)


def test_the_trial_page_shows_title_status_phase_and_sponsor(model_trial):
    assert not model_trial.exception
    assert texts(model_trial.header) == [
        "Larotrectinib for the Treatment of NTRK Amplification Positive, Locally Advanced or Metastatic Solid Tumors"
    ]
    markdown = texts(model_trial.markdown)
    assert ":blue-badge[Recruiting]" in markdown and ":orange-badge[Phase 2]" in markdown
    assert "**Sponsor:** M.D. Anderson Cancer Center" in markdown


def test_the_trial_page_shows_the_summary_and_how_to_get_in_touch(model_trial):
    assert "How to get in touch" in texts(model_trial.subheader)
    assert any(m.startswith("Larotrectinib") or "larotrectinib" in m for m in texts(model_trial.markdown)
               if len(m) > 200)  # the brief summary
    assert any("names no contact" in m for m in texts(model_trial.markdown))


def test_every_site_is_listed_with_its_status_and_contact(data_dir):
    at = app_test(TRIAL, nct="NCT03295227")
    sites = at.dataframe[0].value
    assert list(sites.columns) == ["facility", "city", "state", "zip", "country", "status", "contact"]
    assert any("Anne S. Tsao" in m and "tel:" in m for m in texts(at.markdown))


def test_the_extracted_facts_are_listed_with_kind_value_and_polarity(model_trial):
    facts = model_trial.table[0].value
    assert list(facts.columns) == ["kind", "value", "polarity", "criterion"]
    by_kind = dict(zip(facts["kind"], facts["value"], strict=False))
    assert by_kind["age"].startswith("≥16 y")
    assert by_kind["performance status"] == "ECOG ≤3, KPS ≥70"
    amplification = facts[facts["kind"] == "biomarker"]["value"]
    assert any(v.startswith("NTRK1 amplification ≥7 copies") for v in amplification)


def test_the_eligibility_text_has_the_facts_highlighted(model_trial):
    criteria = model_trial.html[0].value
    assert criteria.count("<mark") >= 3
    assert 'title="biomarker">7 copies</mark>' in criteria
    assert '<mark class="tm-performance_status" title="performance_status">=&lt; 3</mark>' in criteria
    assert "At least 16 years of age" in criteria
    assert "\\<" not in criteria and "&lt; 2.5 x upper limit" in criteria


def test_sites_with_coordinates_are_drawn_on_a_map(model_trial):
    assert "Sites (1)" in texts(model_trial.subheader)
    assert len(model_trial.get("deck_gl_json_chart")) == 1


def test_similar_trials_are_ntrk_trials_with_their_reasons(model_trial):
    similar = [link.proto.query_string.removeprefix("nct=") for link in model_trial.page_link]
    assert len(similar) >= 5
    assert set(similar[:5]) <= NTRK_TRIALS
    reasons = [m for m in texts(model_trial.markdown) if m.startswith("shares ")]
    assert len(reasons) == len(similar) and "larotrectinib" in reasons[0]


def test_an_id_not_in_the_index_is_said_so(data_dir):
    at = app_test(TRIAL, nct="NCT00000000")
    assert not at.exception
    assert any("NCT00000000 is not in the index" in w for w in texts(at.warning))


def test_a_malformed_id_is_rejected_with_the_expected_form(data_dir):
    at = app_test(TRIAL, nct="12345")
    assert any("is not an NCT id" in e for e in texts(at.error))


def test_without_an_id_the_page_asks_for_one(data_dir):
    at = app_test(TRIAL)
    assert any("Enter an NCT id" in i for i in texts(at.info))


def test_typing_an_id_opens_that_trial(data_dir):
    at = app_test(TRIAL)
    at.text_input[0].input("nct02576431").run()
    assert at.query_params["nct"] == "NCT02576431"
    assert "Study of LOXO-101 (Larotrectinib) in Subjects With NTRK Fusion Positive Solid Tumors" in texts(at.header)[0]


def test_the_eligibility_text_says_what_its_colours_mean(model_trial):
    criteria = model_trial.html[0].value
    legend = criteria[criteria.index("Highlighted words:"):]
    assert all(f">{kind}</mark>" in legend for kind in ("age", "biomarker", "performance status", "prior therapy"))
