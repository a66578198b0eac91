; tests/badinput/recursive_include.s: a file that includes itself.
.include "recursive_include.s"
