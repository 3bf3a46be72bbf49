#!/bin/sh
# golden.sh: automake entry point for the golden pcap tests (TAP).
exec "$srcdir/tests/run-golden.sh" "$@"
