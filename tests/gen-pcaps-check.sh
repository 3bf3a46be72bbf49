#!/bin/sh
# gen-pcaps-check.sh: tools/gen-pcaps.py regenerates pcaps/gen/ byte for byte.
echo "1..1"
if "${PYTHON3:-python3}" "$srcdir/tools/gen-pcaps.py" --check "$srcdir/pcaps/gen" >/dev/null 2>&1; then
	echo "ok 1 - pcaps/gen is what tools/gen-pcaps.py generates"
else
	echo "not ok 1 - pcaps/gen differs from tools/gen-pcaps.py output"
fi
