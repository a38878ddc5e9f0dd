#!/usr/bin/env node
// Offline checks of AuthCache's deployment material (deploy/), with the real tools where there are some:
//
//  1. Kubernetes: every kustomization that is not a component (demo, overlays, examples) is rendered with
//     `kubectl kustomize` (no cluster is contacted); what it renders must fit the Kubernetes schemas with no unknown
//     field (lib/schema.mjs) and AuthCache's policies (lib/policies.mjs): hardening, selectors that select, Orleans
//     ids equal across silos and clients, mutual TLS, shutdown grace. Every file under deploy/k8s must be read by
//     a rendered kustomization, and `images:` entries and targeted patches must change something.
//  2. Dockerfiles (lib/docker.mjs).
//  3. Grafana dashboard and Prometheus rules (lib/monitoring.mjs): `promtool check rules` and `promtool test rules`
//     (Debian's prometheus package), and every metric a query or rule names is exported by an instrument of src/.
//
// Usage: node validate.mjs            exit code 0 when everything passes, 1 otherwise
//        node validate.mjs --write    first rewrite the generated PrometheusRule from the rules file
// The last line is the summary: `manifests: N valid, M invalid`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkDockerfiles } from "./lib/docker.mjs";
import { checkKubernetes } from "./lib/kubernetes.mjs";
import { checkDashboards, checkRules, exportedSeries } from "./lib/monitoring.mjs";
import { REPO, Report, rel } from "./lib/report.mjs";

const DEPLOY = path.join(REPO, "deploy");
const SHUTDOWN_SOURCE = path.join(REPO, "src", "Hosting", "HostShutdownExtensions.cs");
/**
 * Series of other exporters that the alert rules may name: ASP.NET Core's meters (exported by the same hosts, checked
 * against a real scrape by the ClusterTests' Prometheus test) and kube-state-metrics.
 */
const EXTERNAL_SERIES = new Set([
  "http_server_request_duration_seconds_count",
  "http_server_request_duration_seconds_bucket",
  "kube_deployment_spec_replicas",
]);

/** The hosts' default HostOptions.ShutdownTimeout in seconds: pods need a longer termination grace period. */
function shutdownSeconds(report) {
  const m = /ShutdownTimeoutKey,\s*TimeSpan\.FromSeconds\((\d+)\)/.exec(readFileSync(SHUTDOWN_SOURCE, "utf8"));
  if (!m) {
    report.error(rel(SHUTDOWN_SOURCE), "the default HostOptions:ShutdownTimeout is no longer found here");
  }
  return m ? Number(m[1]) : 0;
}

const report = new Report({ print: true });
const series = exportedSeries(path.join(REPO, "src"), report);
const prometheus = path.join(DEPLOY, "prometheus");
const summary = [
  checkRules({
    rules: path.join(prometheus, "authcache.rules.yaml"),
    tests: path.join(prometheus, "authcache.rules.test.yaml"),
    runbook: path.join(REPO, "docs", "operations.md"),
    prometheusRule: path.join(DEPLOY, "k8s", "components", "monitoring", "prometheusrule.yaml"),
  }, series, EXTERNAL_SERIES, report, { write: process.argv.includes("--write") }),
  await checkKubernetes(path.join(DEPLOY, "k8s"), report, { shutdownSeconds: shutdownSeconds(report) }),
  checkDockerfiles(path.join(DEPLOY, "docker"), REPO, report),
  checkDashboards(path.join(DEPLOY, "grafana"), series, report),
];
summary.forEach((line) => console.log(line));
console.log(`manifests: ${report.valid} valid, ${report.invalid} invalid; ${report.errors.length} errors`);
process.exitCode = report.errors.length > 0 ? 1 : 0;
