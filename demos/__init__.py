"""chainrule: demos (see README)."""
