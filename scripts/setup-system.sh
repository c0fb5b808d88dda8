#!/usr/bin/env bash
# Installs the Debian packages Sightline's tests need. Safe to run again: packages already
# installed are skipped, and `apt-get update` runs only when something is missing.
#
#   librdkafka-dev, gcc  build the in-process Kafka test broker (collector/test/kafka-mock)
#   chromium             drives the dashboard in browser tests
#   prometheus           sends remote write to Sightline in deploy/test/prometheus.int.test.ts
#   postgresql, mariadb-server, redis-server
#                        real servers for the SDK's database/cache instrumentation tests
#                        (sdk/test/integrations); the tests start their own on free ports
set -euo pipefail

PACKAGES=(librdkafka-dev gcc chromium prometheus postgresql mariadb-server redis-server)

log() { printf 'setup-system: %s\n' "$*"; }

is_installed() {
  # `dpkg -s` alone also succeeds for removed-but-not-purged packages; the status line tells.
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  log "this script needs a Debian-based system (dpkg and apt-get); install these yourself: ${PACKAGES[*]}"
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if is_installed "$pkg"; then
    log "$pkg is already installed"
  else
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "nothing to install"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  log "not root and sudo is not available; as root, run: apt-get install -y ${missing[*]}"
  exit 1
fi

# Other tools may be using apt at the same time; wait for its lock instead of failing.
log "installing: ${missing[*]}"
log "running: apt-get update"
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update
log "running: apt-get install -y --no-install-recommends ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
log "done"
