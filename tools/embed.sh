#!/bin/sh
# embed.sh IN OUT SYMBOL: turn a text file into a C string constant, so the
# default pool list is built into the binary (stratumwatch works without an
# installed data directory) and stays a plain, reviewable text file.
set -eu
in=$1
out=$2
sym=$3
{
	echo "/* generated from $(basename "$in") by tools/embed.sh: do not edit */"
	echo "#include <stddef.h>"
	echo "const char $sym[] ="
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	"/' -e 's/$/\\n"/' "$in"
	echo "	;"
	echo "const size_t ${sym}_len = sizeof($sym) - 1;"
} >"$out.tmp"
mv "$out.tmp" "$out"
