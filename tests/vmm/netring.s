; tests/vmm/netring.s: a paravirtual kernel that drives the network ring
; itself (isa-spec/hypercalls.def), on the loopback cable (trapeze run
; --mode pv --net loopback). It sets the ring up, posts RX receive buffers,
; queues a batch of BATCH frames and sends them with one HC_NET_NOTIFY,
; then polls the ring until every frame is back in a buffer, and compares
; each with what it sent (length, status, bytes). Then what a hostile
; guest would write: a transmit descriptor outside memory, one longer than
; a frame, a receive buffer too small, a producer index far ahead. Each is
; refused by the monitor and counted, never obeyed. It halts with
; good * 16 + refusals: good is the frames that came back whole (BATCH),
; refusals the notifications answered -1 (1).

TYPE = 0x88B6
LEN = 100
BATCH = 8
BUF = 128

	la	r1, handler
	la	r2, shared
	hcall	HC_REGISTER
	la	r10, ring
	mov	r1, r10
	li	r2, 1
	hcall	HC_NET_SETUP
	bnez	r1, fail
	; The frame: to our own MAC (the monitor wrote it into the ring), from it.
	la	r3, frame
	li	r5, 0
mac:
	add	r4, r10, r5
	ldbu	r4, PV_NET_MAC(r4)
	add	r6, r3, r5
	stb	r4, 0(r6)
	stb	r4, 6(r6)
	addi	r5, r5, 1
	cmpi	r5, 6
	bne	mac
	li	r4, TYPE >> 8
	stb	r4, 12(r3)
	li	r4, TYPE & 0xff
	stb	r4, 13(r3)
	li	r5, 14
fill:
	add	r6, r3, r5
	stb	r5, 0(r6)
	addi	r5, r5, 1
	cmpi	r5, LEN
	bne	fill
	; BATCH receive buffers posted, BUF bytes each.
	li	r5, 0
post:
	call	rxdesc			; r6: the descriptor of buffer r5
	li	r7, BUF
	mul	r8, r5, r7
	la	r9, bufs
	add	r8, r8, r9
	stw	r8, PV_NET_DESC_ADDR(r6)
	stw	r7, PV_NET_DESC_LEN(r6)
	addi	r5, r5, 1
	cmpi	r5, BATCH
	bne	post
	stw	r5, PV_NET_RX_PROD(r10)
	; BATCH frames queued, sent with one notification.
	li	r5, 0
queue:
	call	txdesc
	stw	r3, PV_NET_DESC_ADDR(r6)
	li	r7, LEN
	stw	r7, PV_NET_DESC_LEN(r6)
	addi	r5, r5, 1
	cmpi	r5, BATCH
	bne	queue
	stw	r5, PV_NET_TX_PROD(r10)
	hcall	HC_NET_NOTIFY
	cmpi	r1, BATCH
	bne	fail
	; Every frame back: the monitor fills the buffers as it runs.
wait:
	ldw	r1, PV_NET_RX_CONS(r10)
	cmpi	r1, BATCH
	bne	wait
	stw	r1, PV_NET_RX_SEEN(r10)
	li	r11, 0			; r11: good frames
	li	r5, 0
check:
	call	rxdesc
	ldw	r7, PV_NET_DESC_LEN(r6)
	cmpi	r7, LEN
	bne	.next
	ldw	r7, PV_NET_DESC_STATUS(r6)
	cmpi	r7, 1
	bne	.next
	ldw	r8, PV_NET_DESC_ADDR(r6)
	li	r7, 0
.cmp:
	add	r9, r3, r7
	ldbu	r9, 0(r9)
	add	r12, r8, r7
	ldbu	r12, 0(r12)
	bne	r9, r12, .next
	addi	r7, r7, 1
	cmpi	r7, LEN
	bne	.cmp
	addi	r11, r11, 1
.next:
	addi	r5, r5, 1
	cmpi	r5, BATCH
	bne	check
	; Hostile descriptors: outside memory, longer than a frame.
	li	r5, BATCH
	call	txdesc
	lui	r7, 0x7fff
	stw	r7, PV_NET_DESC_ADDR(r6)
	li	r7, LEN
	stw	r7, PV_NET_DESC_LEN(r6)
	li	r5, BATCH + 1
	call	txdesc
	stw	r3, PV_NET_DESC_ADDR(r6)
	li	r7, NET_FRAME_MAX + 1
	stw	r7, PV_NET_DESC_LEN(r6)
	li	r5, BATCH + 2
	stw	r5, PV_NET_TX_PROD(r10)
	hcall	HC_NET_NOTIFY		; both taken, both refused
	cmpi	r1, 2
	bne	fail
	; A receive buffer too small for the frame that comes.
	li	r5, BATCH
	call	rxdesc
	la	r7, bufs
	stw	r7, PV_NET_DESC_ADDR(r6)
	li	r7, 16
	stw	r7, PV_NET_DESC_LEN(r6)
	li	r5, BATCH + 1
	stw	r5, PV_NET_RX_PROD(r10)
	li	r5, BATCH + 2
	call	txdesc
	stw	r3, PV_NET_DESC_ADDR(r6)
	li	r7, LEN
	stw	r7, PV_NET_DESC_LEN(r6)
	li	r5, BATCH + 3
	stw	r5, PV_NET_TX_PROD(r10)
	hcall	HC_NET_NOTIFY
wait2:
	ldw	r1, PV_NET_RX_CONS(r10)
	cmpi	r1, BATCH + 1
	bne	wait2
	li	r5, BATCH
	call	rxdesc
	ldw	r7, PV_NET_DESC_STATUS(r6)
	cmpi	r7, 2			; refused: too small
	bne	fail
	; A producer index far ahead of what the ring holds.
	li	r5, 1000
	stw	r5, PV_NET_TX_PROD(r10)
	hcall	HC_NET_NOTIFY
	li	r12, 0
	cmpi	r1, -1
	bne	.report
	li	r12, 1
.report:
	shli	r1, r11, 4
	add	r1, r1, r12
	out	PORT_POWER, r1

; txdesc, rxdesc: r6 = the address of descriptor r5 (mod PV_NET_SLOTS).
txdesc:
	li	r6, PV_NET_TX_DESCS
	jmp	desc
rxdesc:
	li	r6, PV_NET_RX_DESCS
desc:
	andi	r7, r5, PV_NET_SLOTS - 1
	li	r8, PV_NET_DESC_SIZE
	mul	r7, r7, r8
	add	r6, r6, r7
	add	r6, r6, r10
	ret

fail:
	li	r1, 255
	out	PORT_POWER, r1
handler:
	li	r1, 254
	out	PORT_POWER, r1

	.data
	.align	4
shared:
	.space	PV_PAGE_SIZE
ring:
	.space	PV_NET_RING_SIZE
frame:
	.space	LEN
	.align	4
bufs:
	.space	BUF * BATCH
