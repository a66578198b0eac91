#!/bin/sh
# labs/autograder/gradescope/make-zip.sh: Gradescope's autograder zip for one lab.
# Owns: packing setup.sh and run_autograder at the zip's top, the lab's
#       number in `lab`, and this tree (hidden tests included, build products
#       left out) as trapeze/. Upload the zip as the assignment's autograder
#       ("Zip file upload"); choose an Ubuntu base image.
# Usage: labs/autograder/gradescope/make-zip.sh LAB OUTDIR  (make autograder LAB=N)
set -eu
cd "$(dirname "$0")/../../.."
. labs/tools/lib.sh
lab=$1 out=$2
if ! command -v zip >/dev/null 2>&1; then
	echo "make-zip: error: needs the zip command (apt-get install zip)" >&2
	exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
stage=$(mktemp -d "${TMPDIR:-/tmp}/trapeze-autograder.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/trapeze"
lab_tree_files | grep -v '^build/' | tar -cf - -T - | (cd "$stage/trapeze" && tar -xf -)
rm -f "$stage/trapeze/labs/LAB"
cp labs/autograder/gradescope/setup.sh labs/autograder/gradescope/run_autograder "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
echo "$lab" > "$stage/lab"
rm -f "$out/lab$lab.zip"
(cd "$stage" && zip -qr "$out/lab$lab.zip" setup.sh run_autograder lab trapeze)
echo "Gradescope autograder for lab $lab: $out/lab$lab.zip"
echo "(upload it under the assignment's Configure Autograder, Ubuntu base image)"
