#!/usr/bin/env bash
# Install a headless browser for zenml-dashboard's browser tests: pip cannot, and `playwright install`
# downloads its own build, which a closed network refuses. Debian's `chromium` package is used (the
# tests drive it through Playwright's executable_path). Does nothing when a Chromium or Chrome is there.
set -euo pipefail

for browser in "${ZENML_TEST_CHROMIUM:-}" /usr/bin/chromium "$(command -v chromium || true)" "$(command -v google-chrome || true)"; do
  if [ -n "$browser" ] && [ -x "$browser" ]; then
    echo "ci-setup: browser present: $browser"
    exit 0
  fi
done

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-setup: no Chromium found and no apt-get to install it; install Chromium or Chrome and set ZENML_TEST_CHROMIUM" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "ci-setup: installing Debian's chromium"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
test -x /usr/bin/chromium
echo "ci-setup: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
