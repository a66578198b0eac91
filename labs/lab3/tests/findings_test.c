/*
 * labs/lab3/tests/findings_test.c: lab 3, labs/lab3/findings.txt.
 * Owns: each finding compared with the experiment itself, run here: the
 *       classifier (vmm/classify.h, what `trapeze classify` prints) and the
 *       equivalence diff of the red pill (what `trapeze diff` prints).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "dis.h"
#include "labtest.h"

/* The value of key in findings.txt, in buf; false when the key is absent. */
static bool finding(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("labs/lab3/findings.txt", "r");
	char line[512];
	size_t klen = strlen(key);
	bool found = false;

	cr_assert(f, "no labs/lab3/findings.txt");
	while (!found && fgets(line, sizeof line, f)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || strncmp(p, key, klen) || p[klen] != ':')
			continue;
		p += klen + 1;
		p[strcspn(p, "#\r\n")] = 0;
		snprintf(buf, len, "%s", p);
		found = true;
	}
	fclose(f);
	return found;
}

/* The words of s, sorted and joined by single spaces, in out. */
static void normalise(const char *s, char *out, size_t len)
{
	char copy[512], *words[64], *w;
	int n = 0;

	snprintf(copy, sizeof copy, "%s", s);
	for (w = strtok(copy, " \t,"); w && n < 64; w = strtok(NULL, " \t,"))
		words[n++] = w;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
			char *t = words[j];
			words[j] = words[j - 1];
			words[j - 1] = t;
		}
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, words[i], len - strlen(out) - 1);
	}
}

static void expect_finding(const char *key, const char *truth)
{
	char got[512], a[512], b[512];

	if (!finding(key, got, sizeof got)) {
		cr_expect_fail("findings.txt has no line '%s: ...'", key);
		return;
	}
	normalise(got, a, sizeof a);
	normalise(truth, b, sizeof b);
	cr_expect(!strcmp(a, b), "%s: you wrote \"%s\"; the experiment says otherwise", key, a);
}

/* The experiment, with a nonvirt list: the rows that are sensitive and not
 * privileged (user: sensitive in user mode), and the theorems' verdicts. */
static void experiment(const char *nonvirt, char *sensitive, char *culprits, char *user_culprits,
		       const char **t1, const char **t3)
{
	struct vmm_classification cl;
	const size_t len = 512;

	cr_assert(vmm_classify(lab_nonvirt(nonvirt), VMM_CLASSIFY_SEED, VMM_CLASSIFY_SAMPLES, &cl));
	sensitive[0] = culprits[0] = user_culprits[0] = 0;
	for (int i = 0; i < cl.nrows; i++) {
		const struct vmm_class_row *row = &cl.rows[i];
		const char *name = row->insn->name;
		if (vmm_is_sensitive(row)) {
			strncat(sensitive, " ", len - strlen(sensitive) - 1);
			strncat(sensitive, name, len - strlen(sensitive) - 1);
			if (!row->privileged) {
				strncat(culprits, " ", len - strlen(culprits) - 1);
				strncat(culprits, name, len - strlen(culprits) - 1);
				if (row->user_sensitive) {
					strncat(user_culprits, " ", len - strlen(user_culprits) - 1);
					strncat(user_culprits, name, len - strlen(user_culprits) - 1);
				}
			}
		}
	}
	*t1 = cl.theorem1 ? "holds" : "fails";
	*t3 = cl.theorem3 ? "holds" : "fails";
	vmm_classification_free(&cl);
}

Test(lab3_findings, the_default_isa, .timeout = LAB_TIMEOUT)
{
	char s[512], c[512], u[512];
	const char *t1, *t3;

	experiment(NULL, s, c, u, &t1, &t3);
	expect_finding("sensitive", s);
	expect_finding("theorem1", t1);
	expect_finding("theorem3", t3);
}

Test(lab3_findings, the_x86_like_nonvirt_set, .timeout = LAB_TIMEOUT)
{
	char s[512], c[512], u[512];
	const char *t1, *t3;

	experiment("x86", s, c, u, &t1, &t3);
	expect_finding("x86-culprits", c);
	expect_finding("x86-user-culprits", u);
	expect_finding("x86-theorem1", t1);
	expect_finding("x86-theorem3", t3);
}

Test(lab3_findings, the_pdp10_like_nonvirt_set, .timeout = LAB_TIMEOUT)
{
	char s[512], c[512], u[512];
	const char *t1, *t3;

	experiment("pdp10", s, c, u, &t1, &t3);
	expect_finding("pdp10-culprits", c);
	expect_finding("pdp10-theorem1", t1);
	expect_finding("pdp10-theorem3", t3);
}

Test(lab3_findings, where_diff_finds_the_red_pill_diverging, .timeout = LAB_TIMEOUT)
{
	struct vmm_equiv_spec spec = { 0 };
	struct vmm_divergence d;
	struct image img;
	char err[512], text[96] = "", got[512];

	lab_assemble_file("labs/lab3/redpill.s", NULL, &img);
	vm_options_init(&spec.options);
	spec.options.nonvirt = lab_nonvirt("x86");
	spec.options.step_limit = 1000000;
	spec.load = lab_load_image;
	spec.load_ctx = &img;
	cr_assert(vmm_equiv_compare(&spec, MODE_BARE, MODE_TRAP, &d, err, sizeof err), "%s", err);
	cr_assert(!d.equivalent && d.have_word, "your red pill runs the same bare and under trap "
		  "--nonvirt: it tells nothing yet");
	dis_insn(d.word, d.pc, &img, text, sizeof text);
	text[strcspn(text, " ")] = 0;
	vmm_divergence_free(&d);
	image_free(&img);
	if (!finding("redpill-diff", got, sizeof got))
		cr_assert_fail("findings.txt has no line 'redpill-diff: ...'");
	normalise(got, err, sizeof err);
	cr_expect(!strcmp(err, text), "redpill-diff: you wrote \"%s\"; trapeze diff names %s", err,
		  text);
}
