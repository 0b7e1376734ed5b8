"""Biomarker facts: gene ↔ alteration ↔ threshold relations with polarity, per criterion (`tm_biomarkers`).

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Inclusion Criteria:\\n* NTRK1, NTRK2, or NTRK3 gene amplification (at least 7 copies)")
    >>> [(b.gene, b.alteration, b.polarity, b.min_copies) for b in doc._.facts["biomarkers"]]
    [('NTRK1', 'amplification', 'required', 7.0), ('NTRK2', 'amplification', 'required', 7.0), \
('NTRK3', 'amplification', 'required', 7.0)]

Rules (those of the gold set's labelling guide, which `bench/eval_extraction.py` scores against): a gene mention
(GENE, GENE_FAMILY or VARIANT entity) becomes a fact only with evidence next to it: an alteration word ("NTRK
fusion", "amplification of ErbB2"), a named variant ("KRAS G12C"), or a status ("HER2-positive", "KRAS
wild-type"). Genes listed together ("KRAS, NRAS or BRAF mutations") share the words after the list and, when
required, one `any_of` group. "Positive" means `any` (or expression for receptors such as ER), refined by the
method the criterion names: IHC → expression, ISH/FISH → amplification. "Negative" and "wild-type" negate
(wild-type → mutation). Mentions that only say a marker is tested, its status known, or that it gives priority,
and genes named as drug targets ("EGFR inhibitor", "anti-PD-L1"), give no fact. A gene that is both required and
excluded within one criterion ("8 KRAS wild-type and 8 KRAS mutant") is stratification, not eligibility: both are
dropped. Required groups joined by "or" in one criterion ("ETV6 rearrangement (or NTRK3 rearrangement)") share one
`any_of` group. Facts of one cohort, arm, part or phase, under a condition, or with either status go to
`TrialCriteria.uncertain` instead (the guide's whole-population rule, `scopes`).

Modules, in the order a criterion goes through them: `mentions` (gene mentions and the groups they are listed
in), `relations` (the evidence beside a group: alterations, variants, statuses, methods), `filters` (groups that
state no eligibility), `emit` (the facts), `scopes` (facts that hold for part of the population only),
`component` (the spaCy component that runs them); the word lists are read by `words` from
`nlp/vocab/biomarker_words.jsonl`.
"""

from nlp.biomarkers.component import BiomarkerExtractor, make_biomarkers

__all__ = ["BiomarkerExtractor", "make_biomarkers"]
