"""The primary diagnosis a note gives first: forty short admission and ED notes written for trialmatch.

Each note is written in the style of the TREC Clinical Trials 2021 topics, mostly outside cancer: the primary
diagnosis stated, implied by its workup, or only suspected, beside comorbidity lists. A note's first condition must
be the expected term or a term below it (as `bench/eval_notes.py` scores the labelled topics); a suspected diagnosis
("concern for", "differential includes") is no condition at all, so the first condition is then what the note does
state (a comorbidity) or nothing.
"""

from __future__ import annotations

import pytest

from nlp.diseases import is_basket, is_cancer, is_within, map_condition
from nlp.notes import read_note

NOTES: list[tuple[str, str, str | None]] = [
    # --- stated ---
    ("heart failure stated after a history list",
     "A 67-year-old man with a history of hypertension and type 2 diabetes presents with worsening dyspnea on "
     "exertion and bilateral leg swelling. He was diagnosed with heart failure with reduced ejection fraction two "
     "years ago; echocardiogram today shows an ejection fraction of 25%.", "heart failure"),
    ("COPD exacerbation with a PMH list",
     "A 71-year-old woman, former smoker of 50 pack-years, presents to the ED with increased sputum and wheezing "
     "for 3 days. She has severe COPD on 2L home oxygen.\nPMH: hypertension, osteoporosis, GERD.",
     "chronic obstructive pulmonary disease"),
    ("stroke stated in the assessment",
     "A 74-year-old right-handed man is brought to the ED one hour after sudden onset of left-sided weakness and "
     "slurred speech. He has atrial fibrillation not on anticoagulation, hypertension and hyperlipidemia. CT "
     "angiography shows occlusion of the right middle cerebral artery. He is diagnosed with acute ischemic stroke.",
     "stroke"),
    ("Parkinson's disease with comorbidities",
     "A 66-year-old man with Parkinson's disease diagnosed 5 years ago comes to clinic for worsening freezing of "
     "gait and wearing-off on carbidopa-levodopa. He also has benign prostatic hyperplasia and hypertension.",
     "Parkinson's disease"),
    ("sickle cell crisis",
     "A 19-year-old African American woman with sickle cell disease presents with severe pain in her back and "
     "legs for 2 days, typical of her prior vaso-occlusive crises. Hemoglobin is 6.8 g/dL. She has had two "
     "episodes of acute chest syndrome.", "sickle cell disease"),
    ("lupus flare",
     "A 29-year-old woman with systemic lupus erythematosus on hydroxychloroquine presents with a malar rash, "
     "arthralgias and fatigue. Urinalysis shows proteinuria. PMH: migraine, iron deficiency anemia.",
     "systemic lupus erythematosus"),
    ("hepatitis C before treatment",
     "A 52-year-old man with chronic hepatitis C genotype 1a, treatment naive, is referred for antiviral therapy. "
     "He has a history of intravenous drug use, depression and hypertension. Fibroscan shows F2 fibrosis.",
     "hepatitis C"),
    ("asthma in a child",
     "A 9-year-old boy with persistent asthma is brought to the ED with wheezing and cough after a viral illness. "
     "He uses his albuterol inhaler daily. He also has eczema and allergic rhinitis.", "asthma"),
    ("Crohn's disease with an abbreviation list",
     "A 24-year-old woman with ileocolonic Crohn's disease presents with abdominal pain, diarrhea and weight loss "
     "despite adalimumab. PMH: anxiety, GERD.", "Crohn's disease"),
    ("type 2 diabetes poorly controlled",
     "A 58-year-old obese man with type 2 diabetes mellitus diagnosed 10 years ago comes for follow-up. His HbA1c "
     "is 9.4% on metformin and glipizide. He has hypertension, hyperlipidemia and chronic kidney disease stage 3.",
     "type 2 diabetes mellitus"),
    ("multiple sclerosis relapse",
     "A 34-year-old woman with relapsing-remitting multiple sclerosis presents with blurred vision in the right "
     "eye and pain on eye movement for 4 days. She also has hypothyroidism.", "multiple sclerosis"),
    ("rheumatoid arthritis with an abbreviation PMH",
     "A 61-year-old woman with seropositive rheumatoid arthritis on methotrexate presents with worsening morning "
     "stiffness and swelling of both hands. PMH: HTN, osteoporosis.", "rheumatoid arthritis"),
    ("atrial fibrillation after a comorbidity list",
     "A 76-year-old man with hypertension, diabetes and CKD presents with palpitations. ECG shows atrial "
     "fibrillation with rapid ventricular response, new for him. He is started on anticoagulation for atrial "
     "fibrillation.", "atrial fibrillation"),
    ("ulcerative colitis flare",
     "A 38-year-old man with ulcerative colitis presents with bloody diarrhea 8 times a day and abdominal cramps. "
     "Colonoscopy confirms active pancolitis. He has primary sclerosing cholangitis.", "ulcerative colitis"),
    ("epilepsy with breakthrough seizures",
     "A 27-year-old woman with epilepsy since childhood on levetiracetam presents after two generalized "
     "tonic-clonic seizures this week. She has migraine.", "epilepsy"),
    ("HIV newly on therapy",
     "A 33-year-old man with HIV infection diagnosed last month, CD4 count 180 cells/uL, presents for initiation "
     "of antiretroviral therapy. He has latent tuberculosis and depression.",
     "human immunodeficiency virus infectious disease"),
    ("Alzheimer's disease",
     "An 81-year-old woman with Alzheimer's disease is brought by her daughter for increasing confusion and "
     "wandering at night. She has hypertension and osteoarthritis of the knees.", "Alzheimer's disease"),
    ("cirrhosis decompensated",
     "A 59-year-old man with alcoholic cirrhosis presents with increasing abdominal girth and confusion. Exam "
     "shows ascites and asterixis. PMH: type 2 diabetes, hypertension.", "liver cirrhosis"),
    ("cancer after a long PMH list",
     "A 63-year-old woman presents with newly diagnosed metastatic pancreatic adenocarcinoma, liver metastases on "
     "CT and CA 19-9 of 2,300. PMH: hypertension, hypothyroidism, osteoarthritis, GERD, depression.",
     "pancreatic adenocarcinoma"),
    ("myasthenia gravis",
     "A 45-year-old woman with generalized myasthenia gravis, acetylcholine receptor antibody positive, presents "
     "with double vision and difficulty swallowing. She has hypothyroidism and asthma.", "myasthenia gravis"),
    # --- implied by the workup, or named with a lay name ---
    ("appendicitis from imaging and the planned operation",
     "A 22-year-old man presents with periumbilical pain migrating to the right lower quadrant, fever and nausea. "
     "WBC is 15,000. CT of the abdomen shows a dilated appendix with periappendiceal fat stranding. He is taken "
     "for laparoscopic appendectomy.", "appendicitis"),
    ("acute pancreatitis from lipase and pain",
     "A 47-year-old woman presents with severe epigastric pain radiating to the back and vomiting since last "
     "night. She drinks heavily. Serum lipase is 2,400 U/L, more than ten times the upper limit of normal. She has "
     "hypertension.", "pancreatitis"),
    ("sickle cell anemia from electrophoresis",
     "A 6-year-old boy is evaluated for painful swelling of his hands and feet. Hemoglobin electrophoresis shows "
     "HbSS. He had pneumonia last year.", "sickle cell disease"),
    ("heart failure with a shorthand",
     "A 72-year-old woman presents with orthopnea, paroxysmal nocturnal dyspnea and 5 kg weight gain. She has "
     "HFrEF with an EF of 30% and a history of myocardial infarction.", "heart failure"),
    ("STEMI",
     "A 56-year-old man, smoker, presents with crushing substernal chest pain for 1 hour. ECG shows an inferior "
     "STEMI and he is taken for emergent catheterization. He has hyperlipidemia.", "myocardial infarction"),
    ("DKA",
     "A 16-year-old girl with type 1 diabetes presents with vomiting, abdominal pain and Kussmaul breathing. "
     "Glucose is 540 mg/dL, pH 7.12, bicarbonate 8, anion gap 28; she is admitted for DKA.",
     "diabetic ketoacidosis"),
    ("deep vein thrombosis on ultrasound",
     "A 44-year-old woman on oral contraceptives presents with a swollen painful left calf after a long flight. "
     "Duplex ultrasound shows a deep vein thrombosis of the left popliteal vein. She has no other medical history.",
     "deep vein thrombosis"),
    ("stroke stated as CVA",
     "A 68-year-old woman presents with acute right hemiparesis and aphasia; MRI confirms an acute left MCA CVA. "
     "She has hypertension and atrial fibrillation.", "stroke"),
    ("diabetes mellitus stated as DM2",
     "A 64-year-old man with DM2, HTN and HLD presents with a non-healing ulcer of the left foot for 6 weeks.",
     "diabetes mellitus"),
    ("pneumonia on chest X-ray",
     "A 70-year-old man presents with fever, productive cough and right-sided pleuritic chest pain. Chest X-ray "
     "shows right lower lobe consolidation; he is treated for community-acquired pneumonia. He has COPD.",
     "pneumonia"),
    # --- only suspected, or a comorbidity or family member's disease beside the present problem ---
    ("suspected pulmonary embolism: the comorbidity is read, not the suspicion",
     "A 50-year-old woman with hypertension presents with sudden dyspnea and pleuritic chest pain after knee "
     "surgery. Concern for pulmonary embolism; CT angiography is pending.", "hypertension"),
    ("differential of an acute abdomen: nothing certain",
     "A 28-year-old woman presents with right lower quadrant pain for one day. The differential includes "
     "appendicitis, ovarian torsion and ectopic pregnancy; pelvic ultrasound is ordered.", None),
    ("rule out meningitis",
     "A 19-year-old college student presents with fever, headache and neck stiffness. Lumbar puncture is "
     "performed to rule out bacterial meningitis.", None),
    ("suspected Parkinson's disease beside a diagnosed condition",
     "A 70-year-old man with type 2 diabetes is referred for a resting tremor of the right hand and slowness of "
     "movement; Parkinson's disease is suspected and a DaTscan is planned.", "type 2 diabetes mellitus"),
    ("a family history is not the patient's",
     "A 35-year-old woman presents for evaluation of fatigue and joint pain. Her mother had systemic lupus "
     "erythematosus and her sister has rheumatoid arthritis. She has asthma.", "asthma"),
    ("possible lupus",
     "A 24-year-old woman presents with a photosensitive rash and joint pain; possible lupus, ANA sent.", None),
    ("the present problem before a history of cancer in remission",
     "A 60-year-old man with a history of Hodgkin lymphoma in remission since 2005 presents with chest tightness "
     "and dyspnea; he is found to have a non-ST elevation myocardial infarction.", "myocardial infarction"),
    ("Crohn's disease suspected, irritable bowel syndrome stated",
     "A 23-year-old man with irritable bowel syndrome presents with 3 months of diarrhea, weight loss and "
     "perianal fistula; Crohn's disease is suspected and colonoscopy is scheduled.", "irritable bowel syndrome"),
    ("asthma versus COPD undecided",
     "A 55-year-old woman, former smoker, presents with chronic cough and wheeze. Asthma versus COPD is being "
     "evaluated with spirometry. She has obesity.", "obesity"),
    ("heart failure ruled out",
     "A 66-year-old man with COPD presents with leg swelling; echocardiogram is normal and heart failure was "
     "ruled out.", "chronic obstructive pulmonary disease"),
]


def first_fits(conditions: list[str], expected: str) -> bool:
    wanted = [m.id for m in map_condition(expected)]
    assert wanted, f"{expected!r} is no term of the disease vocabulary"
    if not conditions:
        return False
    found = [m.id for m in map_condition(conditions[0]) if not is_basket(m.id)]
    return any(is_within(got, want) for got in found for want in wanted)


NOT_YET = {  # notes the rules do not read right yet, with the class of the miss
    "acute pancreatitis from lipase and pain": "'ten times the upper limit' is no finding word",
}


@pytest.mark.parametrize(("note", "expected"), [
    pytest.param(note, expected, marks=[pytest.mark.xfail(strict=True, reason=NOT_YET[name])] if name in NOT_YET
                 else []) for name, note, expected in NOTES], ids=[name for name, _, _ in NOTES])
def test_the_first_condition_is_the_primary_diagnosis_or_none_when_only_suspected(note, expected):
    conditions = read_note(note).profile.get("conditions", [])
    if expected is None:
        assert conditions == []
    else:
        assert first_fits(conditions, expected), conditions


def test_there_are_forty_notes_of_which_most_are_outside_cancer():
    expected = [map_condition(term)[0].id for _, _, term in NOTES if term]
    assert len(NOTES) == 40
    assert sum(not is_cancer(term_id) for term_id in expected) >= 35


@pytest.mark.parametrize(("note", "term"), [
    ("CT of the abdomen shows a distended appendix with thickened appendiceal wall.", "appendicitis"),
    ("Labs are remarkable for leukocytosis, high CRP (145) and high amylase (1200).", "acute pancreatitis"),
    ("Serum lipase is markedly elevated.", "acute pancreatitis"),
    ("Ultrasonography revealed severe stenosis in the left internal carotid artery.", "carotid stenosis"),
    ("Her labs were remarkable for high TSH levels (15 mU/L) and low free T4.", "hypothyroidism"),
    ("Thyroid-stimulating hormone is elevated at 9.8.", "hypothyroidism")])
def test_a_workup_finding_gives_the_diagnosis_the_note_leaves_unwritten(note, term):
    assert read_note("A 40-year-old man. " + note).profile["conditions"] == [term]


@pytest.mark.parametrize("note", [
    "Ultrasound: the appendix is not dilated.", "No dilated appendix was seen.",
    "Normal amylase, high CRP (145).", "Lipase was normal; elevated bilirubin.",
    "Evaluate for elevated lipase.", "Doppler: no stenosis of the carotid arteries.",
    "TSH was not elevated; normal free T4.", "TSH: 2.35 mU/L, within the normal range."])
def test_a_negated_hypothetical_or_distant_finding_gives_no_diagnosis(note):
    assert "conditions" not in read_note("A 40-year-old man. " + note).profile


@pytest.mark.parametrize(("note", "weighed"), [
    ("Asthma versus COPD is being evaluated with spirometry.", "asthma"),
    ("He has type 2 diabetes; Parkinson's disease is suspected and a DaTscan is planned.", "Parkinson's disease"),
    ("Pneumonia vs. pulmonary edema on the chest X-ray.", "pneumonia"),
    ("Crohn's disease cannot be ruled out; colonoscopy is scheduled.", "Crohn's disease")])
def test_a_diagnosis_the_note_only_weighs_is_no_condition(note, weighed):
    assert weighed not in read_note("A 50-year-old woman. " + note).profile.get("conditions", [])


def test_a_diagnosis_the_note_says_was_made_leads_comorbidities_named_before_it():
    note = "A 60-year-old man with atrial fibrillation and hypertension. He was diagnosed with pneumonia."
    assert read_note(note).profile["conditions"][0] == "pneumonia"


def test_a_diagnosis_stated_before_a_later_clause_that_weighs_another_stays():
    note = "A 50-year-old woman with asthma, now with cough; pneumonia is suspected."
    assert read_note(note).profile["conditions"] == ["asthma"]


@pytest.mark.parametrize(("text", "name"), [
    ("HFrEF", "systolic heart failure"), ("HFpEF", "diastolic heart failure"), ("NSTEMI", "myocardial infarction"),
    ("DKA", "diabetic ketoacidosis"), ("HbSS", "sickle cell anemia"), ("DVT", "deep vein thrombosis"),
    ("hyperlipidemia", "hyperlipidemia"), ("dyslipidemia", "hyperlipidemia"), ("VTE", "venous thromboembolism"),
    ("high blood pressure", "hypertension"), ("ESRD", "end-stage renal disease"), ("AKI", "acute kidney injury"),
    ("osteoarthritis", "osteoarthritis"), ("septic shock", "sepsis"), ("vaso-occlusive crisis", "sickle cell disease"),
    ("NAFLD", "steatotic liver disease"), ("Vibrio cholerae", "cholera")])
def test_clinical_shorthands_of_non_cancer_diagnoses_are_terms(text, name):
    assert [m.name for m in map_condition(text)] == [name]


def test_hyperlipidemia_is_not_read_as_the_familial_kind_and_holds_hypercholesterolemia():
    familial = map_condition("familial hyperlipidemia")[0].id
    assert is_within(familial, map_condition("hyperlipidemia")[0].id)
    assert is_within(map_condition("hypercholesterolemia")[0].id, map_condition("hyperlipidemia")[0].id)
