; tests/vmm/hostile.s: a guest kernel that reaches outside what it was
; given. Each attempt must be a BOUNDS fault delivered to the guest, exactly
; as the bare machine of the same size would deliver it; the VMM's memory
; below the region must stay as it was. The handler counts the faults and
; skips the faulting instruction; the kernel halts with the count (5).
	la r1, vector
	mtsr tvec, r1
	li r1, -4
	ldw r2, 0(r1)           ; the top of the address space
	lui r1, 0x10            ; 1 MiB: just past the guest's memory
	stw r2, 0(r1)
	li r1, -0x10000
	stw r2, 0(r1)           ; "below" guest-physical 0, where the VMM lives
	; DMA outside the region: the disk refuses (status 2), nothing written.
	lui r1, 0xffff
	out PORT_DISK_ADDR, r1
	li r1, 1
	out PORT_DISK_CMD, r1
	in r3, PORT_DISK_STATUS
	; A user program whose window lies beyond the region: its first fetch faults.
	lui r1, 0x7fff
	mtsr base, r1
	li r1, 0x1000
	mtsr limit, r1
	la r1, after_user
	mtsr scratch, r1
	mtsr epc, r0
	mtsr epsw, r0
	rfe
after_user:
	; A wild store through a register the kernel computed badly.
	lui r1, 0x8000
	stw r2, 0(r1)
	la r1, count
	ldw r1, 0(r1)
	out PORT_POWER, r1

vector:
	la r4, count
	ldw r5, 0(r4)
	addi r5, r5, 1
	stw r5, 0(r4)
	mfsr r5, epsw
	andi r5, r5, PSW_S
	beqz r5, 1f             ; from user mode: back to the kernel
	mfsr r5, epc
	addi r5, r5, 4
	mtsr epc, r5
	rfe
1:	mfsr r5, scratch
	mtsr epc, r5
	li r5, PSW_S
	mtsr epsw, r5
	rfe

	.align 4
count:	.word 0
