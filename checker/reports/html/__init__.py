"""The static HTML report of an audit database (``imr-check report``): builder, templates, assets."""
