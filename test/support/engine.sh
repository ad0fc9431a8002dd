#!/usr/bin/env bash
# The test engine is the sandbox engine tinyforge ships (src/sandbox/engine.sh, which
# `tinyforge demo` runs too): one recipe for both. Same commands, same variables.
exec bash "$(dirname "$0")/../../src/sandbox/engine.sh" "$@"
