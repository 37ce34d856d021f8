#!/usr/bin/env bash
# Stops the Redis and MongoDB servers that scripts/dev-services.sh started (by
# their pid files under .dev-services/), never one it found already running.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dev-services.sh" stop
