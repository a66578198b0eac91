; tests/vmm/host_diskflood.s: a hostile neighbour that writes its disk for
; ever, sector after sector, round and round. On a host its disk is a
; copy-on-write overlay of a shared image: the image is never written, and
; the others' disks never see its sectors.
	li	r5, 0			; r5: the sector
1:	out	PORT_DISK_SECTOR, r5
	li	r1, 0x1000
	out	PORT_DISK_ADDR, r1
	li	r1, 2			; DISK_WRITE
	out	PORT_DISK_CMD, r1
	out	PORT_DISK_STATUS, zero
	addi	r5, r5, 1
	andi	r5, r5, 7
	stw	r5, 0x1000(zero)	; what the next sector gets
	b	1b
