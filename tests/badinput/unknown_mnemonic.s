; tests/badinput/unknown_mnemonic.s: a typo in a mnemonic.
_start:
	lod r1, 0(r2)
