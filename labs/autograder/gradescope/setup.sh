#!/bin/sh
# labs/autograder/gradescope/setup.sh: Gradescope runs this once, as root,
# when it builds the autograder's image (Ubuntu). The zip that `make
# autograder LAB=N` makes is unpacked in /autograder/source: this script,
# run_autograder, the file `lab` (the lab's number) and trapeze/, the
# instructor's tree with its hidden tests.
# It installs the build's packages and builds the reference once, so that
# each submission compiles only the files it hands in.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends build-essential pkg-config \
	libcriterion-dev libncurses-dev libreadline-dev
cd "${AUTOGRADER_ROOT:-/autograder}/source/trapeze"
lab=$(cat ../lab)
make -j"$(nproc)" lab-build LAB="$lab"
