; tests/vmm/netloop.s: a kernel that drives the network card itself, on
; its loopback cable (trapeze run --net loopback): what it sends comes back
; NET_LATENCY instruction times later. It sends a frame and waits for it in
; wfi, its receive interrupt on; then sends four at once and polls for
; them; then asks what a hostile guest would: a frame longer than the MTU,
; one shorter than a header, one from outside memory, a received frame put
; outside memory. Each refusal must be counted by the card, the same in
; every mode. It prints "netloop: N" with the frames that came back whole,
; the status after each refusal, and halts with N (5).

TYPE = 0x88B5
LEN = 100

	la	r1, vector
	mtsr	tvec, r1
	; The frame: to our own MAC, from it, our type, a pattern.
	in	r1, PORT_NET_MAC_LO
	in	r2, PORT_NET_MAC_HI
	la	r3, frame
	stb	r1, 0(r3)
	stb	r1, 6(r3)
	shri	r4, r1, 8
	stb	r4, 1(r3)
	stb	r4, 7(r3)
	shri	r4, r1, 16
	stb	r4, 2(r3)
	stb	r4, 8(r3)
	shri	r4, r1, 24
	stb	r4, 3(r3)
	stb	r4, 9(r3)
	stb	r2, 4(r3)
	stb	r2, 10(r3)
	shri	r4, r2, 8
	stb	r4, 5(r3)
	stb	r4, 11(r3)
	li	r4, TYPE >> 8
	stb	r4, 12(r3)
	li	r4, TYPE & 0xff
	stb	r4, 13(r3)
	addi	r3, r3, 14
	li	r5, 14
fill:
	stb	r5, 0(r3)
	addi	r3, r3, 1
	addi	r5, r5, 1
	cmpi	r5, LEN
	bne	fill
	la	r3, frame
	; One frame, received by interrupt.
	li	r1, 1
	out	PORT_NET_CTRL, r1
	li	r1, PSW_S | PSW_IE
	setpsw	r1
	call	send
	wfi
	li	r1, PSW_S
	setpsw	r1
	li	r1, 0
	out	PORT_NET_CTRL, r1
	; Four at once, received by polling.
	call	send
	call	send
	call	send
	call	send
	li	r9, 4
poll:
	in	r1, PORT_NET_STATUS
	andi	r1, r1, 1
	beqz	r1, poll
	call	receive
	addi	r9, r9, -1
	bnez	r9, poll
	; What a hostile guest asks: each refused, and counted.
	la	r1, frame
	out	PORT_NET_TX_ADDR, r1
	li	r1, NET_FRAME_MAX + 1
	out	PORT_NET_TX_LEN, r1	; longer than the MTU
	in	r10, PORT_NET_STATUS
	li	r1, NET_HEADER - 1
	out	PORT_NET_TX_LEN, r1	; shorter than a header
	in	r11, PORT_NET_STATUS
	lui	r1, 0x7fff
	out	PORT_NET_TX_ADDR, r1
	li	r1, LEN
	out	PORT_NET_TX_LEN, r1	; from outside memory
	in	r12, PORT_NET_STATUS
	la	r1, frame
	out	PORT_NET_TX_ADDR, r1
	out	PORT_NET_TX_LEN, r1	; a good one, to lose on its way in
	in	r13, PORT_NET_STATUS
lose:
	in	r1, PORT_NET_RX_LEN
	beqz	r1, lose
	lui	r1, 0x7fff
	out	PORT_NET_RX_ADDR, r1	; outside memory: lost, and counted
	in	r1, PORT_NET_RX_LEN	; gone
	add	r13, r13, r1
	; The report.
	la	r1, good
	ldw	r2, 0(r1)
	la	r1, msg
	call	puts
	mov	r1, r2
	call	putn
	mov	r1, r10
	call	putn
	mov	r1, r11
	call	putn
	mov	r1, r12
	call	putn
	mov	r1, r13
	call	putn
	li	r1, 10
	out	PORT_CON_DATA, r1
	out	PORT_POWER, r2

; send: the frame at r3, LEN bytes.
send:
	out	PORT_NET_TX_ADDR, r3
	li	r1, LEN
	out	PORT_NET_TX_LEN, r1
	ret

; receive: the first frame into buf; good += 1 when it is the frame sent.
receive:
	in	r4, PORT_NET_RX_LEN
	la	r5, buf
	out	PORT_NET_RX_ADDR, r5
	cmpi	r4, LEN
	bne	.bad
	li	r6, 0
.cmp:
	add	r7, r3, r6
	ldbu	r7, 0(r7)
	add	r8, r5, r6
	ldbu	r8, 0(r8)
	bne	r7, r8, .bad
	addi	r6, r6, 1
	cmpi	r6, LEN
	bne	.cmp
	la	r6, good
	ldw	r7, 0(r6)
	addi	r7, r7, 1
	stw	r7, 0(r6)
.bad:
	ret

vector:
	mfsr	r14, cause
	cmpi	r14, CAUSE_DEVICE
	bne	halt
	mov	r14, lr
	call	receive
	mov	lr, r14
	rfe
halt:
	li	r1, 99
	out	PORT_POWER, r1

puts:
	ldbu	r4, 0(r1)
	beqz	r4, .done
	out	PORT_CON_DATA, r4
	addi	r1, r1, 1
	jmp	puts
.done:
	ret

; putn: r1 as a decimal number (below 100), then a space.
putn:
	li	r4, 10
	divu	r5, r1, r4
	remu	r6, r1, r4
	beqz	r5, .one
	addi	r5, r5, '0'
	out	PORT_CON_DATA, r5
.one:
	addi	r6, r6, '0'
	out	PORT_CON_DATA, r6
	li	r6, ' '
	out	PORT_CON_DATA, r6
	ret

	.data
msg:	.asciz	"netloop: "
	.align	4
good:	.word	0
frame:	.space	LEN
	.align	4
buf:	.space	NET_FRAME_MAX
