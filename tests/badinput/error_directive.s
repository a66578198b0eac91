; tests/badinput/error_directive.s: the program stops itself.
.ifndef BOARD
.error "define BOARD with -D BOARD=n"
.endif
