; tests/badinput/missing_include.s: an include file that is not there.
.include "not_there.inc"
