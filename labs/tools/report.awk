# labs/tools/report.awk: a lab's grading results, in every format wanted.
# Owns: deciding each test's outcome from its Criterion log and exit status;
#       the score table (standard output), score.txt, results.json
#       (Gradescope), junit.xml (JUnit, for CI and LMS tools) and
#       classroom.json (GitHub Classroom's grading reporter).
# Not:  running anything (grade.sh).
#
# Input: results.tsv, one test a line: index, suite/name, points, visibility.
# OUT/logs/INDEX.log and INDEX.rc are the test's output and exit status (none
# when the build failed); OUT/notes.txt holds lines for everyone to read.
# Run with LC_ALL=C: bytes outside printable ASCII become '?' in messages.
# Variables: out, lab, title, built (1 or 0), submission.

BEGIN {
	FS = "\t"
	n = 0; total = 0; earned = 0
	while ((getline line < (out "/notes.txt")) > 0)
		notes = notes line "\n"
	close(out "/notes.txt")
}

function slurp(file,    s, line) {
	s = ""
	while ((getline line < file) > 0)
		s = s line "\n"
	close(file)
	return s
}

function clean(s,    t) {
	t = s
	gsub(/[^\t\n -~]/, "?", t)
	if (length(t) > 6000)
		t = substr(t, 1, 6000) "\n[... cut: see the log]\n"
	return t
}

# What the student should read: Criterion's assertion lines without their
# "[----] " prefix, and whatever the test printed; never the synthesis.
function message(txt,    k, m, lines, s, l) {
	m = split(txt, lines, "\n")
	s = ""
	for (k = 1; k <= m; k++) {
		l = lines[k]
		if (l ~ /^\[====\]/ || l ~ /^\[FAIL\]/ || l ~ /^\[PASS\]/ || l ~ /^\[RUN \]/ || l ~ /^\[SKIP\]/)
			continue
		if (l ~ /^\[----\]/) {
			sub(/^\[----\] ?/, "", l)
			sub(/^  /, "", l)
			if (l ~ /^[ \t]*$/)
				continue
		}
		if (l ~ /deprecated/ || l ~ /: Assertion Failed$/)
			continue
		s = s l "\n"
	}
	return s
}

{
	n++
	name[n] = $2; max[n] = $3 + 0; vis[n] = $4
	total += max[n]
	if (!built) {
		status[n] = "error"; why[n] = "build"
		msg[n] = "not run: the submission does not build (see the notes above and build.log)"
		next
	}
	rc = slurp(out "/logs/" $1 ".rc") + 0
	log_ = slurp(out "/logs/" $1 ".log")
	if (rc == 124 || rc == 137) {
		status[n] = "error"; why[n] = "hang"
		msg[n] = "killed: the test ran past the grader's time limit (an endless loop?)\n" message(log_)
	} else if (log_ ~ /Tested: 0 /) {
		status[n] = "error"; why[n] = "missing"
		msg[n] = "the test binary has no test " $2 ": a grading set-up error, tell your instructor"
	} else if (rc == 0 && log_ ~ /Passing: 1 /) {
		status[n] = "pass"; why[n] = "pass"; msg[n] = message(log_)
	} else if (log_ ~ /Timed out/) {
		status[n] = "error"; why[n] = "timeout"
		msg[n] = "timed out: the test did not finish in its time (an endless loop, or a guest that never halts?)\n" message(log_)
	} else if (log_ ~ /CRASH/) {
		status[n] = "error"; why[n] = "crash"
		msg[n] = "crashed: the test process died of a signal (a wild pointer, an assert, a stack overflow?)\n" message(log_)
	} else if (log_ ~ /Failing: 1 /) {
		status[n] = "fail"; why[n] = "fail"; msg[n] = message(log_)
	} else {
		status[n] = "error"; why[n] = "error"
		msg[n] = "the test runner stopped without a verdict (exit status " rc ")\n" message(log_)
	}
	msg[n] = clean(msg[n])
}

function jstr(s,    t) {
	t = s
	gsub(/\\/, "\\\\", t)
	gsub(/"/, "\\\"", t)
	gsub(/\t/, "\\t", t)
	gsub(/\n/, "\\n", t)
	return "\"" t "\""
}

function xstr(s,    t) {
	t = s
	gsub(/&/, "\\&amp;", t)
	gsub(/</, "\\&lt;", t)
	gsub(/>/, "\\&gt;", t)
	gsub(/"/, "\\&quot;", t)
	return t
}

function first_line(s,    k) {
	k = index(s, "\n")
	return k ? substr(s, 1, k - 1) : s
}

function num(x) {
	return sprintf("%g", x)
}

END {
	for (i = 1; i <= n; i++) {
		got[i] = status[i] == "pass" ? max[i] : 0
		earned += got[i]
	}
	pct = total > 0 ? 100 * earned / total : 0

	printf "%s %s %.1f\n", num(earned), num(total), pct > (out "/score.txt")

	# Gradescope: https://gradescope-autograders.readthedocs.io (results.json).
	f = out "/results.json"
	printf "{\n  \"score\": %s,\n  \"output\": %s,\n  \"stdout_visibility\": \"visible\",\n  \"tests\": [", num(earned), jstr(clean(title "\n" notes)) > f
	for (i = 1; i <= n; i++) {
		printf "%s\n    {\"name\": %s, \"score\": %s, \"max_score\": %s, \"status\": \"%s\", \"visibility\": %s, \"output\": %s}", (i > 1 ? "," : ""), jstr(name[i]), num(got[i]), num(max[i]), (status[i] == "pass" ? "passed" : "failed"), jstr(vis[i]), jstr(msg[i]) > f
	}
	printf "\n  ]\n}\n" > f
	close(f)

	# JUnit XML: one testsuite, a testcase per test; failures and errors.
	f = out "/junit.xml"
	nf = 0; ne = 0
	for (i = 1; i <= n; i++) {
		if (status[i] == "fail") nf++
		else if (status[i] == "error") ne++
	}
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > f
	printf "<testsuites name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", xstr(title), n, nf, ne > f
	printf "  <testsuite name=\"lab%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\">\n", lab, n, nf, ne > f
	printf "    <properties><property name=\"score\" value=\"%s\"/><property name=\"max_score\" value=\"%s\"/></properties>\n", num(earned), num(total) > f
	for (i = 1; i <= n; i++) {
		split(name[i], parts, "/")
		printf "    <testcase classname=\"%s\" name=\"%s\">\n", xstr(parts[1]), xstr(parts[2]) > f
		if (status[i] == "fail")
			printf "      <failure type=\"fail\" message=\"%s\">%s</failure>\n", xstr(first_line(msg[i])), xstr(msg[i]) > f
		else if (status[i] == "error")
			printf "      <error type=\"%s\" message=\"%s\">%s</error>\n", why[i], xstr(first_line(msg[i])), xstr(msg[i]) > f
		printf "      <system-out>points: %s of %s (%s)</system-out>\n", num(got[i]), num(max[i]), vis[i] > f
		printf "    </testcase>\n" > f
	}
	printf "  </testsuite>\n</testsuites>\n" > f
	close(f)

	# GitHub Classroom's autograding-grading-reporter: one runner's result.
	f = out "/classroom.json"
	overall = !built ? "error" : (earned == total ? "pass" : "fail")
	printf "{\"version\": 1, \"status\": \"%s\", \"max_score\": %s, \"tests\": [", overall, num(total) > f
	for (i = 1; i <= n; i++)
		printf "%s{\"name\": %s, \"status\": \"%s\", \"score\": %s, \"message\": %s, \"test_code\": %s, \"filename\": \"\", \"line_no\": 0, \"execution_time\": \"\"}", (i > 1 ? ", " : ""), jstr(name[i]), status[i], num(got[i]), jstr(msg[i]), jstr("make grade LAB=" lab) > f
	printf "]}\n" > f
	close(f)

	# The table, last: the files are written even if no one reads it.
	printf "\n%s\n", title
	printf "submission: %s\n\n", submission
	printf "  %-72s %9s  %s\n", "test", "points", "result"
	for (i = 1; i <= n; i++) {
		t = name[i] (vis[i] == "visible" ? "" : " (hidden)")
		printf "  %-72s %4s/%-4s  %s\n", t, num(got[i]), num(max[i]), why[i] == "pass" ? "pass" : toupper(why[i])
	}
	printf "  %-72s %4s/%-4s  %.0f%%\n", "total", num(earned), num(total), pct
	if (notes != "")
		printf "\n%s", notes
	for (i = 1; i <= n; i++)
		if (status[i] != "pass" && why[i] != "build")
			printf "\n--- %s (%s/%s)\n%s", name[i], num(got[i]), num(max[i]), msg[i]
	printf "\nresults: %s/results.json (Gradescope), junit.xml, classroom.json\n", out
	printf "score: %s/%s (%.0f%%)\n", num(earned), num(total), pct
}
