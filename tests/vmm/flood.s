; tests/vmm/flood.s: a guest that writes to the console for ever. It ends
; at the step limit, its output cut at --max-output; the host is unharmed.
	li r1, 'x'
1:	out PORT_CON_DATA, r1
	b 1b
