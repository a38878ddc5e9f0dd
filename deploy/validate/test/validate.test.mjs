// The validator refuses what it is there to refuse: each case breaks the real deployment material in one way
// (overlays over deploy/k8s in fixtures/, altered copies of the dashboard, rules and Dockerfiles in a temporary
// directory) and expects the error that names it.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkDockerfiles } from "../lib/docker.mjs";
import { checkKubernetes, checkRendering } from "../lib/kubernetes.mjs";
import { checkDashboards, checkRules, exportedSeries } from "../lib/monitoring.mjs";
import { REPO, Report } from "../lib/report.mjs";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const DEPLOY = path.join(REPO, "deploy");
const SERIES = exportedSeries(path.join(REPO, "src"), new Report());
const scratch = mkdtempSync(path.join(tmpdir(), "authcache-validate-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function scratchDir(name) {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  return dir;
}

async function renderingErrors(fixture) {
  const report = new Report();
  await checkRendering(path.join(FIXTURES, fixture), report, { shutdownSeconds: 120 });
  return report.errors;
}

function assertReported(errors, ...patterns) {
  for (const pattern of patterns) {
    assert.ok(errors.some((e) => pattern.test(e)), `expected an error matching ${pattern}, got:\n${errors.join("\n")}`);
  }
}

test("the real deployment material renders and passes every check", async () => {
  const report = new Report();
  await checkKubernetes(path.join(DEPLOY, "k8s"), report, { shutdownSeconds: 120 });
  assert.deepEqual(report.errors, []);
  assert.ok(report.valid > 0);
});

test("an API host whose ClusterId differs from the silos' is refused", async () => {
  assertReported(await renderingErrors("cluster-id-mismatch"),
    /Orleans ClusterId\/ServiceId differ between workloads: .*authcache-apihost.* = another-cluster\/authcache/);
});

test("a silo without read-only root, limits or liveness probe, and a NetworkPolicy that selects nothing, are refused",
  async () => {
    assertReported(await renderingErrors("unhardened-silo"),
      /Deployment authcache\/authcache-silo container silo: readOnlyRootFilesystem must be true/,
      /container silo: resources\.limits\.cpu is required/,
      /container silo: livenessProbe is required/,
      /NetworkPolicy authcache\/authcache-silo: podSelector matches no pod template/);
  });

test("a client certificate that may also serve is refused for the API host", async () => {
  assertReported(await renderingErrors("client-certificate-serves"),
    /container apihost: Certificate authcache-client-tls has usages \[.*server auth.*\], not a client's/);
});

test("a kustomization that kubectl kustomize refuses fails the validation", async () => {
  assertReported(await renderingErrors("patch-of-missing-deployment"),
    /kubectl kustomize failed: .*no resource matches strategic merge patch/);
});

test("an images entry or patch that changes nothing, and a manifest no kustomization reads, are refused", async () => {
  const report = new Report();
  await checkKubernetes(path.join(FIXTURES, "unused-material"), report, { shutdownSeconds: 120 });
  assertReported(report.errors,
    /images: no container uses image "authcache\/no-such-image"/,
    /patch target \{"kind":"Deployment","name":"authcache-no-such-deployment"\} matches no resource/,
    /unused-material\/stray\.yaml: not read by any kustomization/);
});

test("without kubectl the validation fails instead of passing unrendered", async () => {
  const path_ = process.env.PATH;
  process.env.PATH = scratch;
  try {
    const report = new Report();
    await checkKubernetes(path.join(DEPLOY, "k8s"), report, { shutdownSeconds: 120 });
    assertReported(report.errors, /kubectl: is not installed/);
  } finally {
    process.env.PATH = path_;
  }
});

test("a dashboard query of a metric no instrument of src/ exports is refused", () => {
  const dir = scratchDir("grafana");
  const dashboard = JSON.parse(readFileSync(path.join(DEPLOY, "grafana", "authcache-dashboard.json"), "utf8"));
  dashboard.panels.find((p) => p.targets?.length > 0).targets[0].expr =
    "sum(rate(authcache_no_such_metric_total[$__rate_interval]))";
  writeFileSync(path.join(dir, "dashboard.json"), JSON.stringify(dashboard));
  const report = new Report();
  checkDashboards(dir, SERIES, report);
  assertReported(report.errors, /query A: unknown metric authcache_no_such_metric_total: no instrument under src/);
});

test("an alert rule on a metric no instrument of src/ exports is refused", () => {
  const dir = scratchDir("prometheus");
  const source = path.join(DEPLOY, "prometheus");
  const rules = readFileSync(path.join(source, "authcache.rules.yaml"), "utf8");
  const misspelt = rules.replace("(authcache_jwks_stale)", "(authcache_jwks_stael)");
  writeFileSync(path.join(dir, "authcache.rules.yaml"), misspelt);
  copyFileSync(path.join(source, "authcache.rules.test.yaml"), path.join(dir, "authcache.rules.test.yaml"));
  const files = {
    rules: path.join(dir, "authcache.rules.yaml"),
    tests: path.join(dir, "authcache.rules.test.yaml"),
    runbook: path.join(REPO, "docs", "operations.md"),
    prometheusRule: path.join(dir, "prometheusrule.yaml"),
  };
  const report = new Report();
  checkRules(files, SERIES, null, report, { write: true });
  assertReported(report.errors, /alert AuthCacheJwksKeysStale: unknown metric authcache_jwks_stael/);
});

test("series names are read from src/ as the exporter writes them, and a name that is not a literal is refused", () => {
  const dir = scratchDir("src");
  writeFileSync(path.join(dir, "Metrics.cs"), [
    "meter.CreateHistogram<double>(",
    "    \"demo.request.duration\",",
    "    unit: \"s\");",
    "meter.CreateObservableGauge(\"demo.entries\", () => Count(1), description: \"Entries (cached).\");",
    "meter.CreateObservableCounter(\"demo.fallbacks\", () => Read(ref _count));",
    "meter.CreateCounter<long>(Names.Requests);",
  ].join("\n"));
  const report = new Report();
  const series = exportedSeries(dir, report);
  assert.deepEqual([...series].sort(), [
    "demo_entries",
    "demo_fallbacks_total",
    "demo_request_duration_seconds_bucket",
    "demo_request_duration_seconds_count",
    "demo_request_duration_seconds_sum",
  ]);
  assertReported(report.errors, /Metrics\.cs: CreateCounter: the instrument name is not a string literal/);
});

test("a Dockerfile whose runtime stage runs as root is refused", () => {
  const dir = scratchDir("docker");
  const dockerfile = readFileSync(path.join(DEPLOY, "docker", "Silo.Dockerfile"), "utf8");
  writeFileSync(path.join(dir, "Silo.Dockerfile"), dockerfile.replace("USER $APP_UID", "USER root"));
  const ignore = path.join(DEPLOY, "docker", "Silo.Dockerfile.dockerignore");
  copyFileSync(ignore, path.join(dir, "Silo.Dockerfile.dockerignore"));
  const report = new Report();
  checkDockerfiles(dir, REPO, report);
  assertReported(report.errors, /Silo\.Dockerfile: the runtime stage must end with a non-root USER/);
  assert.equal(report.errors.length, 1, report.errors.join("\n"));
});
