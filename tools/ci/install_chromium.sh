#!/usr/bin/env bash
# Installs Debian's chromium, the browser the serving tests drive through Playwright (Playwright's
# own browser download cannot work without the internet). Idempotent; needs root to install.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "chromium is already installed: $(command -v chromium)"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "error: installing chromium needs root; run: sudo bash $0" >&2
    exit 1
fi

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium installed: $(command -v chromium)"
