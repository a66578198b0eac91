; tests/badinput/device_include.s: an include of a device, which never ends.
.include "/dev/zero"
