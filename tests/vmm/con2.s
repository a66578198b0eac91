; tests/vmm/con2.s: a guest that writes a line to each console. Under
; --mode hw with the second console assigned to it (--passthrough con2),
; its out instructions to CON2_DATA reach the device with no VM exit; the
; first console's go through the monitor's device model, an exit each.
	la	r1, line
	li	r3, 0			; r3: bytes written
next:
	ldbu	r2, 0(r1)
	beqz	r2, done
	out	PORT_CON2_DATA, r2
	out	PORT_CON_DATA, r2
	in	r4, PORT_CON2_STATUS	; output ready: bit 1
	addi	r1, r1, 1
	addi	r3, r3, 1
	jmp	next
done:
	out	PORT_POWER, r3
	.data
line:
	.asciz	"to both consoles\n"
