; guest-os/net/rogue.s: a hostile guest on the host's switch, beside the
; echo server (02:00:00:00:00:01) and its client (02:00:00:00:00:02). It
; sends SPOOF frames as the server (its source address not its own: the
; switch drops them), UNKNOWN frames to an address no VM has (dropped,
; never flooded to the others), then floods: FLOOD broadcast frames as
; fast as its card takes them (the others' receive queues overflow: each
; dropped frame counted). All along it reads what reaches it and counts
; the frames that are addressed neither to it nor to everyone: the
; others' traffic, which it must never see. It prints "rogue: N frames
; not mine" and halts with N (0).

SPOOF = 5
UNKNOWN = 3
FLOOD = 400
LISTEN = 3000

	call	net_init
	la	r3, me
	call	mac_put
	la	r3, frame+6
	call	mac_put
	la	r3, frame
	li	r4, 0x88
	stb	r4, 12(r3)
	li	r4, 0xB5
	stb	r4, 13(r3)
	li	r13, 0			; r13: frames seen not for us
	; As the server, to the client.
	li	r4, 2
	stb	r4, 0(r3)
	stb	r4, 6(r3)
	li	r4, 0
	stb	r4, 1(r3)
	stb	r4, 2(r3)
	stb	r4, 3(r3)
	stb	r4, 4(r3)
	stb	r4, 7(r3)
	stb	r4, 8(r3)
	stb	r4, 9(r3)
	stb	r4, 10(r3)
	li	r4, 1
	stb	r4, 11(r3)
	li	r4, 2
	stb	r4, 5(r3)
	li	r9, SPOOF
	call	burst
	; Our own address again, to no one.
	la	r3, me
	ldw	r1, 0(r3)
	ldhu	r2, 4(r3)
	la	r3, frame+6
	call	mac_put
	la	r3, frame
	li	r4, 0x63
	stb	r4, 5(r3)
	li	r9, UNKNOWN
	call	burst
	; To everyone, FLOOD times, as fast as the card takes them.
	la	r3, frame
	li	r4, 0xff
	li	r5, 0
.bcast:
	add	r6, r3, r5
	stb	r4, 0(r6)
	addi	r5, r5, 1
	cmpi	r5, 6
	bne	.bcast
	li	r9, FLOOD
	call	burst
	; Listen a while: whatever comes must be ours or everyone's.
	li	r9, LISTEN
listen:
	call	drain
	addi	r9, r9, -1
	bnez	r9, listen
	la	r1, said
	call	puts
	mov	r1, r13
	call	putd
	la	r1, notmine
	call	puts
	out	PORT_POWER, r13

; burst: r9 frames, each sent again until the card takes it; draining
; what arrives meanwhile.
burst:
	mov	r10, lr
.again:
	call	drain
	la	r1, frame
	li	r2, 64
	call	net_queue
	bnez	r1, .again
	call	net_flush
	addi	r9, r9, -1
	bnez	r9, .again
	mov	lr, r10
	ret

; drain: every frame waiting, each counted in r13 unless it is for us or
; for everyone. Uses r1 to r8, r11, r12.
drain:
	mov	r11, lr
.next:
	la	r1, in
	call	net_recv
	beqz	r1, .done
	la	r3, in
	la	r4, me
	call	mac_same
	bnez	r1, .next
	la	r3, in
	ldw	r4, 0(r3)
	li	r5, -1
	cmp	r4, r5
	bne	.foreign
	ldhu	r4, 4(r3)
	li	r5, 0xffff
	cmp	r4, r5
	beq	.next
.foreign:
	addi	r13, r13, 1
	jmp	.next
.done:
	mov	lr, r11
	ret

	.include "netlib.inc"


	.data
said:	.asciz	"rogue: "
notmine: .asciz	" frames not mine\n"
	.align	4
me:	.space	8
frame:	.space	64
	.align	4
in:	.space	NET_FRAME_MAX + 2
