"""chainrule: nn (see README)."""
