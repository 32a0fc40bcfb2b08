"""Report stage: formatting only; every format reads the same `Result`."""
