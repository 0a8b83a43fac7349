"""Data that ships inside the package: the default corpus of ClinicalTrials.gov
records (``ctgov-default.jsonl.gz``, built by ``scripts/build_default_corpus.py``;
provenance in ``data/README.md``)."""
