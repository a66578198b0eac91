#!/bin/sh
# tests/firstrun_test.sh: the first make on a machine that lacks a package.
# Owns: proving that the Makefile asks pkg-config for a package's flags
#       only after its deps step has installed the package: a pkg-config
#       that knows nothing of ncursesw, readline and Criterion until a fake
#       deps step "installs" them, and the first make links build/trapeze
#       and the test binary anyway. (A Makefile that works the flags out
#       when it starts links without -lcriterion, -lreadline, -lncursesw,
#       and fails: the first `make test` of a new user.)
# Not:  the real installation (scripts/deps.sh, tried by hand: see the
#       README's Quick start).
# Usage: BUILD=/abs/build sh tests/firstrun_test.sh   (make test runs it)
set -u
: "${BUILD:?set BUILD to the build directory (an absolute path)}"
cd "$(dirname "$0")/.." || exit 1
MAKE=${MAKE:-make}
NAME=firstrun
. tests/script_lib.sh

real_pc=$(command -v pkg-config) || { bad "no pkg-config on this machine"; exit 1; }
mkdir -p "$WORK/bin"
# The machine before the deps step: these three packages are not there.
cat > "$WORK/bin/pkg-config" <<EOF
#!/bin/sh
echo "\$*" >> "$WORK/asked"
if [ ! -e "$WORK/installed" ]; then
	for a in "\$@"; do
		case "\$a" in ncursesw|readline|criterion)
			echo "asked before the deps step: \$*" >> "$WORK/early"
			exit 1 ;;
		esac
	done
fi
exec "$real_pc" "\$@"
EOF
# The deps step: it "installs" them.
cat > "$WORK/deps.sh" <<EOF
#!/bin/sh
echo "\$1" >> "$WORK/deps-ran"
touch "$WORK/installed"
EOF
chmod +x "$WORK/bin/pkg-config" "$WORK/deps.sh"

# The objects are this build's (compiling is not the question, and the
# flags of a sanitizer build come with make's variables): copied, times
# kept, so that only the links are left to do.
mkdir -p "$WORK/build"
cp -pR "$BUILD/obj" "$BUILD/libtrapeze.a" "$WORK/build/" || { bad "cannot copy $BUILD/obj"; exit 1; }

if $MAKE --no-print-directory BUILD="$WORK/build" PKG="$WORK/bin/pkg-config" DEPS="$WORK/deps.sh" \
	"$WORK/build/trapeze" "$WORK/build/test-trapeze" > "$WORK/make.log" 2>&1; then
	ok "the first make links trapeze and the test binary"
else
	bad "the first make failed:"
	grep -E 'error|undefined' "$WORK/make.log" | head -8 | sed 's/^/      | /'
fi
if [ -s "$WORK/deps-ran" ] && grep -qx test "$WORK/deps-ran"; then
	ok "the deps step ran, for the tests too ($(tr '\n' ' ' < "$WORK/deps-ran"))"
else
	bad "the deps step never ran for the tests"
fi
if [ -e "$WORK/early" ]; then
	bad "pkg-config was asked before the deps step: $(head -1 "$WORK/early")"
else
	ok "pkg-config was asked only after the deps step"
fi
if grep -q criterion "$WORK/asked" 2>/dev/null; then
	ok "Criterion's flags were asked for"
else
	bad "Criterion's flags were never asked for"
fi
if "$WORK/build/trapeze" --help > /dev/null 2>&1 &&
   "$WORK/build/test-trapeze" --filter 'isadoc/*' > "$WORK/run.log" 2>&1; then
	ok "both run"
else
	bad "the binaries do not run:"
	tail -5 "$WORK/run.log" 2>/dev/null | sed 's/^/      | /'
fi
tally
