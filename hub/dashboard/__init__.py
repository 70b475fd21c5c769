"""The staff dashboard the hub serves (issue 8)."""
