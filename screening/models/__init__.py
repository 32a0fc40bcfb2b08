"""Typed models for every input and output: cases, rules, registries, facts and results."""
