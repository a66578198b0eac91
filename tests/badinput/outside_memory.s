; tests/badinput/outside_memory.s: data placed beyond the default 1 MiB.
; (Trapeze's devices are reached by port instructions, not mapped into
; memory: there is no device range for a section to overlap. A segment
; outside memory, or two overlapping segments, are the loader's cases.)
	nop
.data
.org 0x180000
	.word 1
