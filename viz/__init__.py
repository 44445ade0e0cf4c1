"""chainrule: viz (see README)."""
