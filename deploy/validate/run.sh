#!/usr/bin/env bash
# Validates deploy/ offline (no cluster, no Docker): installs the locked npm packages quietly, runs the validator's
# own tests (test/: broken copies of the material it must refuse), then validate.mjs, which renders every
# kustomization with `kubectl kustomize` and runs promtool (Debian's prometheus package) on deploy/prometheus; .ci/run
# installs both. Exits non-zero on any error; the last line is `manifests: N valid, M invalid; E errors`.
# `run.sh --write` first regenerates the PrometheusRule of k8s/components/monitoring from
# deploy/prometheus/authcache.rules.yaml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# kubernetes-models 5 declares node >= 22 but runs on node 20 (checked with 20.20); keep npm's engine notice
# out of CI logs. Any real failure of npm ci still stops the script.
npm ci --no-audit --no-fund --loglevel=error >/dev/null
node --test --test-reporter=dot test/
exec node validate.mjs "$@"
