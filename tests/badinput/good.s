; tests/badinput/good.s: a correct program, halting with 0.
_start:	out PORT_POWER, r0
