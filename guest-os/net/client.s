; guest-os/net/client.s: a client of the echo server (echo.s) at
; 02:00:00:00:00:01: COUNT numbered messages, each waited for and checked
; (from the server, to us, the same number and bytes); then END. A frame
; that is not the reply awaited is ignored; with no reply RETRY instruction
; times after a send (a frame lost to a full queue: another guest floods
; the switch), the message goes again. It prints "client: N of COUNT
; replies ok" and halts with N. Its driver is netport.inc, or netpv.inc
; assembled with -D PV=1 (build/guest/net/client.elf, client-pv.elf).

COUNT = 20
RETRY = 20000
LEN = 14 + 4 + 60

	call	net_init
	la	r3, me
	call	mac_put
	la	r3, out+6
	call	mac_put
	li	r9, 0			; r9: the message's number
	li	r11, 0			; r11: replies that were right
	li	r12, 0			; r12: 1 while the retry timer runs
message:
	; The frame: to the server, from us, type 0x88B5, the number, a pattern.
	la	r3, out
	li	r4, 2
	stb	r4, 0(r3)
	li	r4, 0
	stb	r4, 1(r3)
	stb	r4, 2(r3)
	stb	r4, 3(r3)
	stb	r4, 4(r3)
	li	r4, 1
	stb	r4, 5(r3)
	li	r4, 0x88
	stb	r4, 12(r3)
	li	r4, 0xB5
	stb	r4, 13(r3)
	stw	r9, 16(r3)		; (14..15 padding, as the type's)
	li	r5, 20
.pat:
	add	r6, r3, r5
	add	r7, r5, r9
	stb	r7, 0(r6)
	addi	r5, r5, 1
	cmpi	r5, LEN
	bne	.pat
send:
	la	r1, out
	li	r2, LEN
	call	net_queue
	call	net_flush
.await:
	la	r1, in
	call	net_recv
	bnez	r1, .check
	mfsr	r1, timer
	bnez	r1, .sleep
	beqz	r12, .arm
	li	r12, 0			; no reply in time: again
	jmp	send
.arm:
	li	r12, 1
	li	r1, RETRY
	mtsr	timer, r1
.sleep:
	call	net_wait
	jmp	.await
.check:
	cmpi	r1, LEN
	bne	.await			; not the reply: ignored
	la	r3, in
	la	r4, me
	call	mac_same		; to us
	beqz	r1, .await
	la	r3, in+6
	la	r4, out
	call	mac_same		; from the server
	beqz	r1, .await
	la	r3, in
	ldw	r4, 16(r3)
	cmp	r4, r9
	bne	.await			; an old message's, sent again
	li	r12, 0
	mtsr	timer, zero
	li	r5, 12
.same:
	la	r3, in
	add	r3, r3, r5
	ldbu	r6, 0(r3)
	la	r3, out
	add	r3, r3, r5
	ldbu	r7, 0(r3)
	bne	r6, r7, .next
	addi	r5, r5, 1
	cmpi	r5, LEN
	bne	.same
	addi	r11, r11, 1
.next:
	addi	r9, r9, 1
	cmpi	r9, COUNT
	bne	message
	; END: the server stops.
	la	r3, out
	li	r4, 0xB7
	stb	r4, 13(r3)
	la	r1, out
	li	r2, 14
	call	net_queue
	call	net_flush
	la	r1, said
	call	puts
	mov	r1, r11
	call	putd
	la	r1, of
	call	puts
	out	PORT_POWER, r11

	.include "netlib.inc"


	.data
said:	.asciz	"client: "
of:	.asciz	" of 20 replies ok\n"
	.align	4
me:	.space	8
out:	.space	LEN + 2
	.align	4
in:	.space	NET_FRAME_MAX + 2
	.text
