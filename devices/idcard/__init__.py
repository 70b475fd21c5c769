"""China second-generation resident ID card readers (SAM modules over serial)."""
