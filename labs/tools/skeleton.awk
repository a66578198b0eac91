# labs/tools/skeleton.awk: one reference source in, the student's version out.
# Owns: the lab markers' grammar, and replacing lab `lab`'s marked regions of
#       one file by their stubs. Not: which files to copy (skeleton.sh).
#
# A marker is a whole line: indentation, a comment opener (/* ... */, ;, #
# or <!-- ... -->) and one of
#     LAB n BEGIN: what the student writes here    (starts a region of lab n)
#     LAB n STUB: a line of code                   (inside it: the stub's lines)
#     LAB n END                                    (ends it)
# Regions do not nest. A region is stubbed when its lab is `lab` or one of
# the list `also`, or when it is a written answer (a <!-- --> region: model
# answers never reach a student's tree). A stubbed region becomes: the BEGIN
# line, a TODO line, the STUB lines as code (the marker's indentation, then
# the text after "STUB: "), the END line. Every other region's marker lines
# are dropped and its reference code kept. With check=1 nothing is printed:
# the markers of every lab are only checked. Errors are "file:line: error:
# ..."; exit status 1.
#
# Usage: awk -v lab=N [-v also="M ..."] [-v check=1] -f skeleton.awk FILE > OUT

BEGIN {
	inside = 0; nerr = 0; nregions = 0
	n = split(also, words, " ")
	for (i = 1; i <= n; i++)
		stubbed_lab[words[i] + 0] = 1
	if (lab != "")
		stubbed_lab[lab + 0] = 1
}

function fail(msg) {
	printf "%s:%d: error: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	nerr++
}

# Parse the current line as a marker. Returns 1 and sets m_indent, m_open,
# m_close, m_lab, m_kind, m_text when it is one; 0 otherwise.
function parse(line,    body, n, words) {
	match(line, /^[ \t]*/)
	m_indent = substr(line, 1, RLENGTH)
	body = substr(line, RLENGTH + 1)
	sub(/[ \t]+$/, "", body)
	if (body ~ /^\/\*.*\*\/$/) {
		m_open = "/*"; m_close = " */"
		body = substr(body, 3, length(body) - 4)
		if (body ~ /LAB [0-9]+ (BEGIN|STUB|END)/ && (index(body, "/*") || index(body, "*/")))
			fail("a C marker is one comment: no /* or */ inside it")
	} else if (body ~ /^<!--.*-->$/) {
		m_open = "<!--"; m_close = " -->"
		body = substr(body, 5, length(body) - 7)
	} else if (body ~ /^[;#]/) {
		m_open = substr(body, 1, 1); m_close = ""
		body = substr(body, 2)
	} else {
		return 0
	}
	sub(/^[ \t]+/, "", body)
	sub(/[ \t]+$/, "", body)
	if (body !~ /^LAB [0-9]+ (BEGIN|STUB|END)/)
		return 0
	n = split(body, words, " ")
	m_lab = words[2] + 0
	m_kind = words[3]
	m_text = ""
	if (m_kind ~ /:$/) {
		sub(/:$/, "", m_kind)
		m_text = body
		sub(/^LAB [0-9]+ [A-Z]+:[ ]?/, "", m_text)
	} else if (n > 3) {
		m_kind = "?"
	}
	return 1
}

function emit(s) {
	if (!check)
		print s
}

{
	if (!parse($0)) {
		if (!inside || !stub_it)
			emit($0)
		next
	}
	if (m_kind == "BEGIN") {
		if (inside)
			fail("LAB " m_lab " BEGIN inside the region of lab " region_lab " begun at line " region_line)
		if (m_text == "")
			fail("LAB " m_lab " BEGIN needs a title: what the student writes here")
		inside = 1; region_lab = m_lab; region_line = FNR; nstub = 0
		stub_it = (m_lab in stubbed_lab) || m_open == "<!--"
		if (stub_it) {
			nregions++
			emit($0)
			begin_line = m_indent m_open " TODO (lab " m_lab "): %s" m_close
		}
	} else if (m_kind == "STUB") {
		if (!inside)
			fail("LAB " m_lab " STUB outside any region")
		else if (m_lab != region_lab)
			fail("LAB " m_lab " STUB inside the region of lab " region_lab)
		else if (stub_it)
			stub[++nstub] = m_indent m_text
	} else if (m_kind == "END") {
		if (!inside)
			fail("LAB " m_lab " END without a BEGIN")
		else if (m_lab != region_lab)
			fail("LAB " m_lab " END closes the region of lab " region_lab " begun at line " region_line)
		else if (stub_it) {
			if (nstub)
				emit(sprintf(begin_line, "replace the stub below with your own work."))
			else
				emit(sprintf(begin_line, "your work goes here."))
			for (i = 1; i <= nstub; i++)
				emit(stub[i])
			emit($0)
		}
		inside = 0
	} else {
		fail("a marker is LAB n BEGIN: title, LAB n STUB: code or LAB n END")
	}
}

END {
	if (inside) {
		FNR = region_line
		fail("the region of lab " region_lab " is never closed (LAB " region_lab " END)")
	}
	exit nerr ? 1 : 0
}
