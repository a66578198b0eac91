; guest-os/net/bulk.s: a bulk transfer on the loopback cable (trapeze run
; --net loopback): FRAMES frames of NET_MTU bytes of payload each, a
; pattern of the frame's number, sent to the card's own address BATCH at a
; time (one net_flush a batch: with the pv ring, one notification), each
; batch received back before the next goes. It adds up a checksum of every
; payload byte received (the sum, rotated one bit left at each byte),
; prints "bulk: N KiB, checksum XXXXXXXX" and halts with the frames that
; came back whole. The work of `trapeze bench --techniques`'s network
; table: the card's exits per KiB under each way of giving it.

FRAMES = 64
BATCH = 8
LEN = NET_HEADER + NET_MTU

	call	net_init
	la	r3, frame
	call	mac_put
	la	r3, frame+6
	call	mac_put
	la	r3, frame
	li	r4, 0x88
	stb	r4, 12(r3)
	li	r4, 0xB8
	stb	r4, 13(r3)
	li	r9, 0			; r9: frames sent
	li	r11, 0			; r11: frames back whole
	li	r13, 0			; r13: the checksum
batch:
	li	r10, BATCH
.send:
	; The payload: byte i is (frame number + i) mod 256.
	la	r3, frame
	li	r5, NET_HEADER
.fill:
	add	r6, r3, r5
	add	r7, r5, r9
	stb	r7, 0(r6)
	addi	r5, r5, 1
	cmpi	r5, LEN
	bne	.fill
	la	r1, frame
	li	r2, LEN
	call	net_queue
	bnez	r1, fail		; the card (or the ring) had room for the batch
	addi	r9, r9, 1
	addi	r10, r10, -1
	bnez	r10, .send
	call	net_flush
	li	r10, BATCH
.recv:
	la	r1, in
	call	net_recv
	bnez	r1, .got
	call	net_wait
	jmp	.recv
.got:
	cmpi	r1, LEN
	bne	.counted
	addi	r11, r11, 1
.counted:
	; The checksum over the payload.
	la	r3, in
	li	r5, NET_HEADER
.sum:
	add	r6, r3, r5
	ldbu	r6, 0(r6)
	shli	r7, r13, 1
	shri	r8, r13, 31
	or	r13, r7, r8
	add	r13, r13, r6
	addi	r5, r5, 1
	cmp	r5, r1
	bltu	.sum
	addi	r10, r10, -1
	bnez	r10, .recv
	cmpi	r9, FRAMES
	bne	batch
	la	r1, said
	call	puts
	li	r1, FRAMES * LEN / 1024
	call	putd
	la	r1, kib
	call	puts
	mov	r1, r13
	call	putx
	li	r1, 10
	out	PORT_CON_DATA, r1
	out	PORT_POWER, r11
fail:
	li	r1, 255
	out	PORT_POWER, r1

	.include "netlib.inc"

	.data
said:	.asciz	"bulk: "
kib:	.asciz	" KiB, checksum "
	.align	4
frame:	.space	LEN + 2
	.align	4
in:	.space	NET_FRAME_MAX + 2
