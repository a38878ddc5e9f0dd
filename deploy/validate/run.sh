#!/usr/bin/env bash
# Validates deploy/ offline (no cluster, no Docker): installs the locked npm packages quietly, then runs
# validate.mjs, which also runs promtool (Debian's prometheus package) on deploy/prometheus. Exits non-zero on any
# error; the last line is `manifests: N valid, M invalid`. `run.sh --write` first regenerates the PrometheusRule of
# k8s/components/monitoring from deploy/prometheus/authcache.rules.yaml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# kubernetes-models 5 declares node >= 22 but runs on node 20 (checked with 20.20); keep npm's engine notice
# out of CI logs. Any real failure of npm ci still stops the script.
npm ci --no-audit --no-fund --loglevel=error >/dev/null
exec node validate.mjs "$@"
