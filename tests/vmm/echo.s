; tests/vmm/echo.s: copy console input to console output until there is no
; more (in reads -1), then halt 0. Fed more input than the console's queue
; holds, it shows the rest arriving at the same instructions in every mode.
1:	in r1, PORT_CON_DATA
	cmpi r1, -1
	beq 2f
	out PORT_CON_DATA, r1
	b 1b
2:	out PORT_POWER, r0
