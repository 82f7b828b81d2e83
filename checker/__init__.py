"""imr-check: a rule-based consistency checker for IMR determination letters."""

__version__ = "0.1.0"
