; tests/vmm/balloon.s: the balloon's resource control, in a few words. The
; guest registers with the paravirtual monitor, gives it the top page of its
; memory (HC_BALLOON), then reads that page: the page is the monitor's now,
; out of the region's bound, and the read faults. Halts with the number of
; pages the monitor took times 16, plus the cause of the fault (BOUNDS, 4).
	la	r1, handler
	la	r2, shared
	hcall	HC_REGISTER
	ldw	r5, shared+PV_MEMSIZE(zero)	; r5: memory as the monitor gave it
	li	r6, PV_PAGE
	sub	r5, r5, r6			; r5: the top page
	la	r1, list
	stw	r5, 0(r1)
	li	r2, 1
	hcall	HC_BALLOON			; r1: pages taken
	shli	r8, r1, 4
	ldw	r7, 0(r5)			; no longer ours: BOUNDS
	out	PORT_POWER, r8			; not reached
handler:
	ldw	r2, shared+PV_CAUSE(zero)
	add	r8, r8, r2
	out	PORT_POWER, r8
	.data
	.align	4
shared:
	.space	PV_PAGE_SIZE
list:
	.word	0
