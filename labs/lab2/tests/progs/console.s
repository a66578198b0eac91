; labs/lab2/tests/progs/console.s: in and out on the console. The test
; queues the input "vm"; the program prints "hello", then what it reads,
; and checks the status port. Halts 0, or the number of the failed check.
	.text
_start:
	la	r1, hello
1:	ldbu	r2, 0(r1)
	beqz	r2, 2f
	out	PORT_CON_DATA, r2
	addi	r1, r1, 1
	b	1b
2:	li	r9, 1			; check 1: input is ready, output too
	in	r1, PORT_CON_STATUS
	li	r2, 3
	bne	r1, r2, fail
	li	r9, 2			; check 2: the input is "vm", then nothing (-1)
	in	r1, PORT_CON_DATA
	cmpi	r1, 'v'
	bne	fail
	out	PORT_CON_DATA, r1
	in	r1, PORT_CON_DATA
	cmpi	r1, 'm'
	bne	fail
	out	PORT_CON_DATA, r1
	in	r1, PORT_CON_DATA
	cmpi	r1, -1
	bne	fail
	li	r1, 10
	out	PORT_CON_DATA, r1
	li	r9, 0
fail:
	out	PORT_POWER, r9

	.data
hello:
	.asciz	"hello from a guest\n"
