#!/usr/bin/env bash
# The long form of the crash-safety test: 20 SIGKILLs at random moments (the test command runs 5).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null
GATEWAY_CRASH_KILLS=${1:-20} swift test --skip-build --filter CrashSafety
