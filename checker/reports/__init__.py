"""Reporters: turn results into output.  They never compute findings."""
