"""Participant-level returns (rendement per huishouden, DESIGN §4): the distribution of what each
household's registered interventions are expected to bring and what they realised so far, by
intervention type, wijk and cohort; for council members as disclosure-controlled aggregates.

``selectors`` reads the register and the run into frames, ``distribution`` is the pure arithmetic
(classes, statistics per group), ``presentation`` applies disclosure control and builds the charts,
``views`` is the page and its downloads.
"""
