"""Signal extraction: turn a case into typed facts that carry their evidence."""
