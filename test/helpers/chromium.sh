#!/usr/bin/env bash
# Starts Chromium ($HELOTERM_CHROMIUM) with the switches it is given, but every --disable-features merged into one.
# Chromium honours only the last of a repeated switch, and Playwright passes its own --disable-features (features it
# turns off to keep automation steady) before the caller's: without this, the tests' own list would silently undo it.
set -euo pipefail
real="${HELOTERM_CHROMIUM:?HELOTERM_CHROMIUM names the Chromium to start}"
args=()
features=()
for arg in "$@"; do
  case "$arg" in
    --disable-features=*) features+=("${arg#--disable-features=}") ;;
    *) args+=("$arg") ;;
  esac
done
if [ "${#features[@]}" -gt 0 ]; then
  IFS=,
  args+=("--disable-features=${features[*]}")
  unset IFS
fi
exec "$real" "${args[@]}"
