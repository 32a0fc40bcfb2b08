"""Risk-screening rules engine for foreign investment proposals."""

__version__ = "0.1.0"
