"""Compilation stage: rule conditions into durable-rules rulesets."""
