; tests/vmm/host_storm.s: a hostile neighbour that makes the monitor work as
; hard as it can: a loop of privileged instructions in its kernel, each one
; a VM exit under trap-and-emulate. Its exits are its own time: the host
; charges them to it, and its neighbours keep their shares.
1:	mfsr	r1, base
	mtsr	scratch, r1
	getpsw	r2
	b	1b
