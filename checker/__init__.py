"""imr-check: a rule-based consistency checker for IMR determination letters."""

__version__ = "0.2.0"
