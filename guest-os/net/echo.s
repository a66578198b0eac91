; guest-os/net/echo.s: an echo server on the network card: every frame
; it receives goes back to its sender, from the server's own address,
; until a frame of type END comes. It prints "echo: N frames" and halts
; with N. Its driver is netport.inc, or netpv.inc assembled with -D PV=1
; (build/guest/net/echo.elf, echo-pv.elf).

END_HI = 0x88
END_LO = 0xB7

	call	net_init
	la	r3, me
	call	mac_put
	li	r9, 0			; r9: frames echoed
serve:
	la	r1, frame
	call	net_recv
	beqz	r1, .idle
	mov	r10, r1
	la	r3, frame
	ldbu	r4, 12(r3)
	cmpi	r4, END_HI
	bne	.echo
	ldbu	r4, 13(r3)
	cmpi	r4, END_LO
	beq	done
.echo:
	; To whoever sent it, from us.
	li	r5, 0
.swap:
	add	r6, r3, r5
	ldbu	r7, 6(r6)
	stb	r7, 0(r6)
	la	r8, me
	add	r8, r8, r5
	ldbu	r8, 0(r8)
	stb	r8, 6(r6)
	addi	r5, r5, 1
	cmpi	r5, 6
	bne	.swap
	la	r1, frame
	mov	r2, r10
	call	net_queue
	call	net_flush
	addi	r9, r9, 1
	jmp	serve
.idle:
	call	net_wait
	jmp	serve
done:
	la	r1, said
	call	puts
	mov	r1, r9
	call	putd
	la	r1, frames
	call	puts
	out	PORT_POWER, r9

	.include "netlib.inc"


	.data
said:	.asciz	"echo: "
frames:	.asciz	" frames\n"
	.align	4
me:	.space	8
frame:	.space	NET_FRAME_MAX + 2
	.text
