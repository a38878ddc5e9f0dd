#!/usr/bin/env node
// Offline checks of AuthCache's deployment material (deploy/). Needs only the npm packages of package.json:
//
//  1. Kubernetes manifests: every YAML document under deploy/k8s (resources, generated ConfigMaps and Secrets,
//     strategic-merge patches) is validated against the Kubernetes schema of `kubernetes-models`
//     (`new Model(obj).validate()`), plus a strict unknown-field check derived from the same package's type
//     declarations (the schema alone accepts misspelt fields such as `readinesProbe`).
//  2. Kustomize structure: every `resources:` / `patches:` / generator file exists, every strategic-merge patch
//     and `images:` entry targets something that exists in what it is applied to, no file is orphaned.
//  3. Composition: each kustomization (base, overlays) is rendered with `kustomize build` or `kubectl kustomize`
//     when one is installed (no cluster is contacted), otherwise with the built-in composer below, which
//     implements the subset of kustomize these manifests use. The rendered objects are validated again and
//     checked against the hardening and consistency policies (non-root, read-only root, probes, resources,
//     selectors that select, HPA targets, Orleans ids equal across silos and clients, shutdown grace period,
//     Orleans mutual TLS mounted from cert-manager secrets of the right role).
//  4. Dockerfiles: the restore layer copies every project in the ProjectReference closure and the root build
//     files, the entry point names the published assembly, the final stage runs as a non-root user.
//  5. Grafana dashboard: the JSON parses, panel ids are unique, every query uses the ${DS_PROMETHEUS}
//     datasource, parses as PromQL and names only metrics that AuthCache exports.
//  6. Prometheus rules (deploy/prometheus): `promtool check rules` and `promtool test rules` (Debian's prometheus
//     package), every alert has a unit test that fires it and one where it stays silent, a severity, a summary, a
//     description and a runbook_url whose anchor is a heading of docs/operations.md; its PromQL parses and names only
//     metrics that exist; the PrometheusRule of components/monitoring is exactly what the rules file renders to.
//
// Usage: node validate.mjs            exit code 0 when everything passes, 1 otherwise
//        node validate.mjs --write    first rewrite the generated PrometheusRule from the rules file
//        AUTHCACHE_KUSTOMIZE=builtin   force the built-in composer even when kubectl/kustomize is installed
//
// The last line is the summary: `manifests: N valid, M invalid`.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEPLOY = path.resolve(HERE, "..");
const REPO = path.resolve(DEPLOY, "..");
const K8S = path.join(DEPLOY, "k8s");
const DOCKER = path.join(DEPLOY, "docker");
const GRAFANA = path.join(DEPLOY, "grafana");
const PROMETHEUS = path.join(DEPLOY, "prometheus");
const RULES_FILE = path.join(PROMETHEUS, "authcache.rules.yaml");
const RULES_TEST_FILE = path.join(PROMETHEUS, "authcache.rules.test.yaml");
const PROMETHEUS_RULE_FILE = path.join(K8S, "components", "monitoring", "prometheusrule.yaml");
const RUNBOOK = path.join(REPO, "docs", "operations.md");
const WRITE = process.argv.includes("--write");

// ---------------------------------------------------------------------------------------------------------
// The contract with the application (src/): what the manifests and the dashboard must agree with.
// ---------------------------------------------------------------------------------------------------------

/** HostOptions.ShutdownTimeout of both hosts, in seconds: pods need a longer termination grace period. */
const HOST_SHUTDOWN_TIMEOUT_SECONDS = 120;

/**
 * Instruments of the `AuthCache` meter and their type: src/Core/Diagnostics/*.cs, src/Grains/Diagnostics/*.cs,
 * src/AspNetCore/Webhooks/ClerkWebhookMetrics.cs.
 */
const AUTHCACHE_INSTRUMENTS = {
  "authcache.token_cache.hits": "counter",
  "authcache.token_cache.misses": "counter",
  "authcache.token_cache.uncached": "counter",
  "authcache.token_cache.active_entries": "gauge",
  "authcache.validations": "counter",
  "authcache.jwks.fetches": "counter",
  "authcache.jwks.key_age": "gauge-seconds",
  "authcache.jwks.stale": "gauge",
  "authcache.profile.fetches": "counter",
  "authcache.profile_cache.hits": "counter",
  "authcache.request_cache.hits": "counter",
  "authcache.near_cache.hits": "counter",
  "authcache.fallbacks": "counter",
  "authcache.authentication.duration": "histogram-seconds",
  "authcache.revocations": "counter",
  "authcache.revocations.rejections": "counter",
  "authcache.revocations.dropped_entries": "counter",
  "authcache.cluster.active_silos": "gauge",
  "authcache.webhooks.verification_failures": "counter",
  // Announced with the hedged validations and API-host revocation replicas; the rules and panels use them already.
  "authcache.hedged_validations": "counter",
  "authcache.near_cache.misses": "counter",
  "authcache.near_cache.entries": "gauge",
  "authcache.near_cache.refreshes": "counter",
  "authcache.revocations.unconfirmed": "counter",
  "authcache.revocation_replica.in_sync": "gauge",
};

/**
 * Series of other exporters that the alert rules may name: ASP.NET Core's and the .NET runtime's meters and Orleans'
 * (exported by the same hosts, checked against a real scrape by the ClusterTests' Prometheus test), and
 * kube-state-metrics.
 */
const EXTERNAL_SERIES = new Set([
  "http_server_request_duration_seconds_count",
  "http_server_request_duration_seconds_bucket",
  "kube_deployment_spec_replicas",
]);

/** Prometheus series names as OpenTelemetry's Prometheus exporter writes them. */
const AUTHCACHE_SERIES = new Set(
  Object.entries(AUTHCACHE_INSTRUMENTS).flatMap(([name, type]) => {
    const base = name.replaceAll(".", "_");
    switch (type) {
      case "counter":
        return [`${base}_total`];
      case "histogram-seconds":
        return ["_bucket", "_sum", "_count"].map((suffix) => `${base}_seconds${suffix}`);
      case "gauge-seconds":
        return [`${base}_seconds`];
      default:
        return [base];
    }
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------------------

const counts = { valid: 0, invalid: 0, errors: 0, documentErrors: 0 };
const sections = [];
const reported = new Set();

function rel(file) {
  return path.relative(REPO, file) || ".";
}

function error(where, message) {
  // The base is composed on its own and again inside each overlay: report each problem once.
  const line = `ERROR ${where}: ${message}`;
  if (!reported.has(line)) {
    reported.add(line);
    counts.errors++;
    console.log(line);
  }
}

function note(message) {
  console.log(`note: ${message}`);
}

/** Counts one schema-validated document and prints its errors. */
function recordDocument(where, problems) {
  if (problems.length === 0) {
    counts.valid++;
    return true;
  }
  counts.invalid++;
  const before = counts.errors;
  for (const problem of problems) {
    error(where, problem);
  }
  counts.documentErrors += counts.errors - before;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------------------

/**
 * Parses every document of a YAML file. YAML 1.1 rules, as the Go YAML library of kubectl and kustomize uses:
 * an unquoted `yes`, `on` or `off` is a boolean there and must be caught here too.
 */
function loadYaml(file) {
  const text = readFileSync(file, "utf8");
  const docs = [];
  const problems = [];
  for (const doc of parseAllDocuments(text, { version: "1.1", uniqueKeys: true, prettyErrors: true })) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      problems.push(`YAML: ${e.message.split("\n")[0]}`);
    }
    if (doc.errors.length > 0 || doc.contents === null) {
      continue;
    }
    docs.push(doc.toJS({ maxAliasCount: 100 }));
  }
  return { docs, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes schema: kubernetes-models, plus unknown fields from its type declarations
// ---------------------------------------------------------------------------------------------------------

const modelCache = new Map();

/** The kubernetes-models class of a top-level resource, or null when the package has none. */
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}|${kind}`;
  if (!modelCache.has(key)) {
    let found = null;
    if (typeof apiVersion === "string" && typeof kind === "string" && /^[A-Za-z0-9]+$/.test(kind)) {
      const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
      const spec = group === "monitoring.coreos.com"
        ? `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`
        : group === "cert-manager.io"
          ? `@kubernetes-models/cert-manager/${group}/${version}/${kind}`
          : group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
      try {
        const module = await import(spec);
        const Model = module[kind];
        // Sub-objects (Container, PodSpec) have models too, but no apiVersion/kind of their own.
        if (Model && Model.kind === kind && Model.apiVersion === apiVersion) {
          found = { Model, spec };
        }
      } catch {
        found = null;
      }
    }
    modelCache.set(key, found);
  }
  return modelCache.get(key);
}

const LEAF = Object.freeze({ kind: "leaf" });
const declarationCache = new Map();

/** The object shape declared in a kubernetes-models `.d.ts` file (its first exported interface). */
function declaredType(dtsFile) {
  if (declarationCache.has(dtsFile)) {
    return declarationCache.get(dtsFile);
  }
  const type = { kind: "object", props: new Map() };
  declarationCache.set(dtsFile, type);
  if (!existsSync(dtsFile)) {
    declarationCache.set(dtsFile, LEAF);
    return LEAF;
  }
  const text = readFileSync(dtsFile, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/^import \{([^}]+)\} from "([^"]+)";$/gm)) {
    for (const name of m[1].split(",")) {
      imports.set(name.trim(), m[2]);
    }
  }
  const lines = text.split("\n");
  const start = lines.findIndex((line) => /^export interface \w+[^{]*\{$/.test(line));
  if (start < 0) {
    // A type alias (Quantity, IntOrString, Time): a scalar as far as fields go.
    declarationCache.set(dtsFile, LEAF);
    return LEAF;
  }
  const resolveRef = (name) => {
    const spec = imports.get(name);
    if (!spec) {
      return LEAF;
    }
    const url = spec.startsWith(".") ? new URL(spec, pathToFileURL(dtsFile)) : new URL(import.meta.resolve(spec));
    return { kind: "ref", file: fileURLToPath(url).replace(/\.js$/, ".d.ts") };
  };
  const parseExpr = (expr) => {
    const array = /^Array<(.+)>$/.exec(expr);
    if (array) {
      return { kind: "array", of: parseExpr(array[1]) };
    }
    if (/^I\w+$/.test(expr)) {
      return resolveRef(expr);
    }
    return LEAF;
  };
  // `interface IssuerSpec extends IssuerConfig {}` (cert-manager's models): the fields are the extended type's.
  for (const base of (/ extends ([^{]+)\{$/.exec(lines[start])?.[1] ?? "").split(",").map((b) => b.trim()).filter(Boolean)) {
    const inherited = resolveType(resolveRef(base));
    for (const [name, field] of inherited.props ?? []) {
      type.props.set(name, field);
    }
  }
  for (let i = start + 1; i < lines.length && lines[i] !== "}"; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
    if (!m) {
      continue;
    }
    let expr = m[2].trim();
    if (expr.endsWith("{")) {
      // A multi-line type: `{ [key: string]: X; }` (a map) or an inline object literal.
      const block = [];
      for (i++; i < lines.length && !/^ {4}\}/.test(lines[i]); i++) {
        block.push(lines[i].trim());
      }
      const map = block.length === 1 ? /^\[key: string\]: (.+);$/.exec(block[0]) : null;
      type.props.set(m[1], expr === "{" && map ? { kind: "map", of: parseExpr(map[1]) } : LEAF);
      continue;
    }
    expr = expr.replace(/;$/, "");
    type.props.set(m[1], parseExpr(expr));
  }
  return type;
}

function resolveType(type) {
  return type.kind === "ref" ? declaredType(type.file) : type;
}

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Fields the schema does not declare (what `kubectl apply --validate=strict` refuses). */
function unknownFields(value, type, pointer, out) {
  const t = resolveType(type);
  if (t.kind === "object" && isMapping(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith("$")) {
        continue; // strategic-merge directives ($patch, $setElementOrder/...) in patches
      }
      const childType = t.props.get(key);
      if (!childType) {
        out.push(`${pointer}/${key}: unknown field "${key}"`);
      } else {
        unknownFields(child, childType, `${pointer}/${key}`, out);
      }
    }
  } else if (t.kind === "array" && Array.isArray(value)) {
    value.forEach((item, index) => unknownFields(item, t.of, `${pointer}/${index}`, out));
  } else if (t.kind === "map" && isMapping(value)) {
    for (const [key, child] of Object.entries(value)) {
      unknownFields(child, t.of, `${pointer}/${key}`, out);
    }
  }
}

/**
 * Schema problems of one object. `partial` (strategic-merge patches) tolerates missing required fields;
 * everything present must still have the right type and a declared name.
 */
async function schemaProblems(obj, { partial = false } = {}) {
  if (!isMapping(obj)) {
    return ["document is not a mapping"];
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["apiVersion and kind are required"];
  }
  if (!obj.metadata || typeof obj.metadata.name !== "string" || obj.metadata.name === "") {
    return [`${kind}: metadata.name is required`];
  }
  const found = await modelFor(apiVersion, kind);
  if (!found) {
    return [`no Kubernetes schema for apiVersion "${apiVersion}" kind "${kind}"`];
  }
  const problems = [];
  const data = structuredClone(obj);
  if (partial) {
    stripDirectives(data);
  }
  try {
    new found.Model(data).validate();
  } catch (e) {
    const details = Array.isArray(e.errors) ? e.errors : null;
    if (!details) {
      problems.push(String(e.message ?? e));
    } else {
      for (const d of details) {
        if (partial && d.keyword === "required") {
          continue;
        }
        problems.push(`${d.instancePath || "/"} ${d.message}`);
      }
    }
  }
  const dts = fileURLToPath(new URL(import.meta.resolve(found.spec))).replace(/\.js$/, ".d.ts");
  unknownFields(obj, { kind: "ref", file: dts }, "", problems);
  return [...new Set(problems)];
}

function stripDirectives(value) {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      if (isMapping(value[i]) && value[i].$patch === "delete") {
        value.splice(i, 1);
      } else {
        stripDirectives(value[i]);
      }
    }
  } else if (isMapping(value)) {
    for (const key of Object.keys(value)) {
      if (key.startsWith("$")) {
        delete value[key];
      } else {
        stripDirectives(value[key]);
      }
    }
  }
}

function describe(obj) {
  const ns = obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : "";
  return `${obj?.kind ?? "?"} ${ns}${obj?.metadata?.name ?? "?"}`;
}

// ---------------------------------------------------------------------------------------------------------
// Kustomize: structure checks and the built-in composer
// ---------------------------------------------------------------------------------------------------------

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const KUSTOMIZATION_KEYS = new Set([
  "apiVersion", "kind", "metadata", "resources", "components", "namespace", "namePrefix", "nameSuffix",
  "labels", "commonLabels", "commonAnnotations", "images", "replicas", "patches", "patchesStrategicMerge",
  "patchesJson6902", "configMapGenerator", "secretGenerator", "generatorOptions", "replacements", "vars",
  "generators", "transformers", "validators", "crds", "openapi", "helmCharts", "helmGlobals", "buildMetadata",
  "sortOptions",
]);
/** What the built-in composer implements; anything else makes its output approximate. */
const BUILTIN_KEYS = new Set([
  "apiVersion", "kind", "metadata", "resources", "components", "namespace", "images", "replicas", "patches",
  "patchesStrategicMerge", "configMapGenerator", "secretGenerator", "generatorOptions",
]);
const CLUSTER_SCOPED = new Set([
  "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
  "StorageClass", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
  "IngressClass", "RuntimeClass", "APIService",
]);
/** Strategic-merge keys of the lists these manifests patch (Kubernetes' patchMergeKey). */
const MERGE_KEYS = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
  imagePullSecrets: "name",
  topologySpreadConstraints: "topologyKey",
  hostAliases: "ip",
};

const usedFiles = new Set();
const validatedFiles = new Map(); // file -> validated documents (each file is counted once)

function kustomizationFile(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) {
      return file;
    }
  }
  return null;
}

function groupOf(apiVersion) {
  return typeof apiVersion === "string" && apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

function sameResource(a, b) {
  return a.kind === b.kind && a.metadata?.name === b.metadata?.name && groupOf(a.apiVersion) === groupOf(b.apiVersion);
}

async function loadResourceFile(file, where) {
  usedFiles.add(file);
  if (!existsSync(file)) {
    error(where, `resource file ${rel(file)} does not exist`);
    return [];
  }
  if (!validatedFiles.has(file)) {
    const { docs, problems } = loadYaml(file);
    for (const problem of problems) {
      error(rel(file), problem);
    }
    if (problems.length > 0) {
      counts.invalid++;
    }
    for (const doc of docs) {
      recordDocument(`${rel(file)} (${describe(doc)})`, await schemaProblems(doc));
      if (isNamespaceLess(file) && doc?.metadata?.namespace) {
        error(`${rel(file)} (${describe(doc)})`, "components and the demo are namespace-less: remove metadata.namespace");
      }
    }
    validatedFiles.set(file, docs);
  }
  return structuredClone(validatedFiles.get(file));
}

/** Components and the demo take the namespace of whatever includes or applies them. */
function isNamespaceLess(file) {
  return ["components", "demo"].some((dir) => !path.relative(path.join(K8S, dir), file).startsWith(".."));
}

function parseEnvFile(file, where) {
  const data = {};
  readFileSync(file, "utf8").split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      return;
    }
    const eq = trimmed.indexOf("=");
    if (eq <= 0) {
      error(`${rel(file)}:${index + 1}`, `expected KEY=VALUE (in ${where})`);
      return;
    }
    const key = trimmed.slice(0, eq);
    if (key in data) {
      error(`${rel(file)}:${index + 1}`, `duplicate key ${key}`);
    }
    data[key] = trimmed.slice(eq + 1);
  });
  return data;
}

async function runGenerators(dir, kustomization, objects, where) {
  const generators = [
    ...(kustomization.configMapGenerator ?? []).map((g) => ["ConfigMap", g]),
    ...(kustomization.secretGenerator ?? []).map((g) => ["Secret", g]),
  ];
  for (const [kind, generator] of generators) {
    const label = `${where} ${kind === "ConfigMap" ? "configMapGenerator" : "secretGenerator"} ${generator?.name}`;
    if (!generator || typeof generator.name !== "string") {
      error(where, `${kind} generator without a name`);
      continue;
    }
    const data = {};
    for (const envFile of generator.envs ?? (generator.env ? [generator.env] : [])) {
      const file = path.join(dir, envFile);
      usedFiles.add(file);
      if (!existsSync(file)) {
        error(label, `env file ${rel(file)} does not exist`);
        continue;
      }
      Object.assign(data, parseEnvFile(file, label));
    }
    for (const entry of generator.files ?? []) {
      const [key, source] = entry.includes("=") ? entry.split("=", 2) : [path.basename(entry), entry];
      const file = path.join(dir, source);
      usedFiles.add(file);
      if (!existsSync(file)) {
        error(label, `file ${rel(file)} does not exist`);
        continue;
      }
      data[key] = readFileSync(file, "utf8");
    }
    for (const literal of generator.literals ?? []) {
      const eq = literal.indexOf("=");
      if (eq <= 0) {
        error(label, `literal "${literal}" is not KEY=VALUE`);
        continue;
      }
      data[literal.slice(0, eq)] = literal.slice(eq + 1);
    }
    const behavior = generator.behavior ?? "create";
    const existing = objects.find((o) => o.kind === kind && o.metadata?.name === generator.name);
    if (behavior === "create") {
      if (existing) {
        error(label, `a ${kind} named ${generator.name} already exists: use behavior merge or replace`);
        continue;
      }
      const generated = {
        apiVersion: "v1",
        kind,
        metadata: { name: generator.name, ...(generator.options?.labels ? { labels: { ...generator.options.labels } } : {}) },
        ...(kind === "Secret" ? { type: generator.type ?? "Opaque", stringData: data } : { data }),
      };
      recordDocument(label, await schemaProblems(generated));
      objects.push(generated);
    } else if (behavior === "merge" || behavior === "replace") {
      if (!existing) {
        error(label, `behavior ${behavior} but no ${kind} named ${generator.name} comes from the resources`);
        continue;
      }
      const field = kind === "Secret" ? "stringData" : "data";
      existing[field] = behavior === "merge" ? { ...(existing[field] ?? {}), ...data } : data;
      recordDocument(label, await schemaProblems(existing));
    } else {
      error(label, `unknown behavior "${behavior}"`);
    }
  }
}

function strategicMerge(target, patch, field = "") {
  if (!isMapping(target) || !isMapping(patch)) {
    return structuredClone(patch);
  }
  if (patch.$patch === "replace") {
    const replaced = structuredClone(patch);
    delete replaced.$patch;
    return replaced;
  }
  const result = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) {
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value) && Array.isArray(result[key])) {
      result[key] = mergeList(result[key], value, key);
    } else if (isMapping(value) && isMapping(result[key])) {
      result[key] = strategicMerge(result[key], value, key);
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

function mergeList(target, patch, field) {
  let key = MERGE_KEYS[field];
  if (field === "ports") {
    key = patch.every((p) => isMapping(p) && "containerPort" in p) ? "containerPort" : "port";
  }
  if (!key || !patch.every((p) => isMapping(p) && key in p)) {
    return structuredClone(patch.filter((p) => !(isMapping(p) && p.$patch)));
  }
  const result = target.map((item) => structuredClone(item));
  // kustomize puts the items a patch adds before the existing ones, in the patch's order.
  const added = [];
  for (const item of patch) {
    const index = result.findIndex((existing) => isMapping(existing) && existing[key] === item[key]);
    if (item.$patch === "delete") {
      if (index >= 0) {
        result.splice(index, 1);
      }
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index], item, field);
    } else {
      const addition = structuredClone(item);
      delete addition.$patch;
      added.push(addition);
    }
  }
  return [...added, ...result];
}

function jsonPointerParts(pointer) {
  return pointer.split("/").slice(1).map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function applyJsonPatch(obj, operations, where) {
  for (const op of operations) {
    if (!isMapping(op) || !["add", "remove", "replace", "move", "copy", "test"].includes(op.op) || typeof op.path !== "string") {
      error(where, `invalid JSON patch operation ${JSON.stringify(op)}`);
      continue;
    }
    if (op.op === "move" || op.op === "copy" || op.op === "test") {
      continue; // not used here; structure checked above
    }
    const parts = jsonPointerParts(op.path);
    const last = parts.pop();
    let parent = obj;
    for (const part of parts) {
      parent = parent?.[Array.isArray(parent) && part === "-" ? parent.length : part];
    }
    if (parent === undefined || parent === null) {
      error(where, `JSON patch path ${op.path} does not exist`);
      continue;
    }
    if (op.op === "remove") {
      if (!(last in parent)) {
        error(where, `JSON patch removes ${op.path}, which does not exist`);
      } else if (Array.isArray(parent)) {
        parent.splice(Number(last), 1);
      } else {
        delete parent[last];
      }
    } else if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      parent.splice(index, op.op === "replace" ? 1 : 0, structuredClone(op.value));
    } else {
      if (op.op === "replace" && !(last in parent)) {
        error(where, `JSON patch replaces ${op.path}, which does not exist`);
      }
      parent[last] = structuredClone(op.value);
    }
  }
}

function matchesTarget(obj, target) {
  const anchored = (pattern, value) => new RegExp(`^(?:${pattern})$`).test(value ?? "");
  return (
    (!target.kind || obj.kind === target.kind) &&
    (!target.name || anchored(target.name, obj.metadata?.name)) &&
    (target.group === undefined || groupOf(obj.apiVersion) === target.group) &&
    (!target.version || (obj.apiVersion ?? "").split("/").pop() === target.version) &&
    (!target.namespace || obj.metadata?.namespace === target.namespace) &&
    (!target.labelSelector || selectorMatches(parseLabelSelector(target.labelSelector), obj.metadata?.labels))
  );
}

function parseLabelSelector(text) {
  return Object.fromEntries(String(text).split(",").map((pair) => pair.split("=").map((s) => s.trim())));
}

async function applyPatches(dir, kustomization, objects, where) {
  const entries = [
    ...(kustomization.patchesStrategicMerge ?? []).map((p) => (typeof p === "string" && !p.includes("\n") ? { path: p } : { patch: p })),
    ...(kustomization.patchesJson6902 ?? []),
    ...(kustomization.patches ?? []),
  ];
  for (const entry of entries) {
    let docs;
    let label;
    if (entry.path) {
      const file = path.join(dir, entry.path);
      label = rel(file);
      usedFiles.add(file);
      if (!existsSync(file)) {
        error(where, `patch file ${label} does not exist`);
        continue;
      }
      const loaded = loadYaml(file);
      loaded.problems.forEach((p) => error(label, p));
      docs = loaded.docs;
    } else if (typeof entry.patch === "string") {
      label = `${where} inline patch`;
      const loaded = { docs: [], problems: [] };
      for (const doc of parseAllDocuments(entry.patch, { version: "1.1" })) {
        doc.errors.forEach((e) => loaded.problems.push(e.message));
        if (doc.contents !== null) loaded.docs.push(doc.toJS());
      }
      loaded.problems.forEach((p) => error(label, p));
      docs = loaded.docs;
    } else {
      error(where, `patch entry without path or patch: ${JSON.stringify(entry)}`);
      continue;
    }
    for (const doc of docs) {
      if (Array.isArray(doc)) {
        // JSON 6902 patch: needs a target.
        const targets = entry.target ? objects.filter((o) => matchesTarget(o, entry.target)) : [];
        if (targets.length === 0) {
          error(label, `JSON patch target ${JSON.stringify(entry.target ?? null)} matches no resource`);
          continue;
        }
        counts.valid++;
        targets.forEach((t) => applyJsonPatch(t, doc, label));
        continue;
      }
      const docLabel = `${label} (${describe(doc)})`;
      const targets = entry.target
        ? objects.filter((o) => matchesTarget(o, entry.target))
        : objects.filter((o) => isMapping(doc) && sameResource(o, doc));
      if (targets.length === 0) {
        error(docLabel, entry.target
          ? `patch target ${JSON.stringify(entry.target)} matches no resource`
          : `strategic-merge patch targets ${describe(doc)}, which is not among the resources it is applied to`);
        counts.invalid++;
        continue;
      }
      // Type-check the patch itself: catches `replicas: "three"` or a misspelt field even when no composer runs.
      recordDocument(docLabel, entry.target ? [] : await schemaProblems(doc, { partial: true }));
      if (doc.$patch === "delete") {
        for (const t of targets) {
          objects.splice(objects.indexOf(t), 1);
        }
        continue;
      }
      for (const t of targets) {
        const merged = strategicMerge(t, entry.target ? { ...doc, metadata: { ...(doc.metadata ?? {}), name: t.metadata.name } } : doc);
        objects[objects.indexOf(t)] = merged;
      }
    }
  }
}

/** Applies a `kind: Component` to the objects accumulated so far; returns whether the built-in composer was exact. */
async function applyComponent(dir, objects, stack) {
  const file = kustomizationFile(dir);
  const where = rel(file);
  if (stack.includes(dir)) {
    error(where, "kustomization cycle");
    return false;
  }
  usedFiles.add(file);
  const { docs, problems } = loadYaml(file);
  problems.forEach((p) => error(where, p));
  const component = docs[0] ?? {};
  if (component.kind !== "Component" || component.apiVersion !== "kustomize.config.k8s.io/v1alpha1") {
    error(where, "a component must be kind: Component, apiVersion: kustomize.config.k8s.io/v1alpha1");
  }
  let exact = true;
  for (const key of Object.keys(component)) {
    if (!KUSTOMIZATION_KEYS.has(key)) {
      error(where, `unknown kustomization field "${key}"`);
    } else if (!BUILTIN_KEYS.has(key) || key === "namespace") {
      exact = false;
    }
  }
  for (const resource of component.resources ?? []) {
    const target = path.join(dir, resource);
    if (!existsSync(target) || statSync(target).isDirectory()) {
      error(where, `resource ${rel(target)} is not a file (components here list manifest files only)`);
      continue;
    }
    objects.push(...(await loadResourceFile(target, where)));
  }
  await runGenerators(dir, component, objects, where);
  for (const nested of component.components ?? []) {
    exact &&= await applyComponent(path.join(dir, nested), objects, [...stack, dir]);
  }
  await applyPatches(dir, component, objects, where);
  applyImages(component, objects, where);
  return exact;
}

function imageName(image) {
  const at = image.indexOf("@");
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}

function podSpecOf(obj) {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(obj.kind)) {
    return obj.spec?.template?.spec;
  }
  if (obj.kind === "CronJob") {
    return obj.spec?.jobTemplate?.spec?.template?.spec;
  }
  if (obj.kind === "Pod") {
    return obj.spec;
  }
  return undefined;
}

function allContainers(podSpec) {
  return [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])];
}

function applyImages(kustomization, objects, where) {
  for (const image of kustomization.images ?? []) {
    let used = false;
    for (const obj of objects) {
      for (const container of allContainers(podSpecOf(obj))) {
        if (typeof container.image === "string" && imageName(container.image) === image.name) {
          used = true;
          const name = image.newName ?? image.name;
          container.image = image.digest ? `${name}@${image.digest}` : `${name}:${image.newTag ?? container.image.slice(imageName(container.image).length + 1)}`;
        }
      }
    }
    if (!used) {
      error(where, `images: no container uses image "${image.name}" (the entry would do nothing)`);
    }
  }
}

/**
 * Structure checks of one kustomization and its built-in composition. Returns the composed objects and
 * whether the composition is exact (only features the built-in composer implements are used).
 */
async function compose(dir, stack = []) {
  const file = kustomizationFile(dir);
  const where = file ? rel(file) : rel(dir);
  if (!file) {
    error(where, "no kustomization.yaml in this directory");
    return { objects: [], exact: false };
  }
  if (stack.includes(dir)) {
    error(where, "kustomization cycle");
    return { objects: [], exact: false };
  }
  usedFiles.add(file);
  const { docs, problems } = loadYaml(file);
  problems.forEach((p) => error(where, p));
  const kustomization = docs[0] ?? {};
  let exact = true;
  for (const key of Object.keys(kustomization)) {
    if (!KUSTOMIZATION_KEYS.has(key)) {
      error(where, `unknown kustomization field "${key}"`);
    } else if (!BUILTIN_KEYS.has(key)) {
      exact = false;
    }
  }
  const objects = [];
  for (const resource of kustomization.resources ?? []) {
    if (typeof resource !== "string" || /^[a-z]+:\/\//.test(resource) || resource.startsWith("github.com/")) {
      error(where, `resource "${resource}" is remote: deployment material must build offline`);
      continue;
    }
    const target = path.join(dir, resource);
    if (!existsSync(target)) {
      error(where, `resource ${rel(target)} does not exist`);
    } else if (statSync(target).isDirectory()) {
      const child = await compose(target, [...stack, dir]);
      exact &&= child.exact;
      objects.push(...child.objects);
    } else {
      objects.push(...(await loadResourceFile(target, where)));
    }
  }
  // As kustomize does: the kustomization's own generators run before its components, which then add their resources
  // and generated objects and patch everything accumulated so far; the kustomization's patches come last.
  await runGenerators(dir, kustomization, objects, where);
  for (const component of kustomization.components ?? []) {
    const target = path.join(dir, component);
    if (!existsSync(target) || !kustomizationFile(target)) {
      error(where, `component ${rel(target)} does not exist`);
      exact = false;
      continue;
    }
    exact &&= await applyComponent(target, objects, [...stack, dir]);
  }
  await applyPatches(dir, kustomization, objects, where);
  applyImages(kustomization, objects, where);
  for (const { name, count } of kustomization.replicas ?? []) {
    const target = objects.find((o) => o.metadata?.name === name && o.spec && "replicas" in o.spec);
    if (!target) {
      error(where, `replicas: no workload named ${name}`);
    } else {
      target.spec.replicas = count;
    }
  }
  if (typeof kustomization.namespace === "string") {
    for (const obj of objects) {
      if (!CLUSTER_SCOPED.has(obj.kind)) {
        obj.metadata.namespace = kustomization.namespace;
      }
    }
  }
  return { objects, exact };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering with kustomize / kubectl when installed
// ---------------------------------------------------------------------------------------------------------

function findRenderer() {
  if (process.env.AUTHCACHE_KUSTOMIZE === "builtin") {
    return null;
  }
  const candidates = [
    { name: "kustomize", args: (dir) => ["build", dir], version: ["version"] },
    { name: "kubectl", args: (dir) => ["kustomize", dir], version: ["version", "--client"] },
  ];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate.name, candidate.version, { encoding: "utf8", timeout: 30_000 });
    if (!probe.error && probe.status === 0) {
      const version = /Kustomize Version: (\S+)/.exec(probe.stdout)?.[1] ?? probe.stdout.trim().split("\n")[0];
      return { ...candidate, label: `${candidate.name} ${candidate.args("<dir>")[0]} (kustomize ${version})` };
    }
  }
  return null;
}

function render(renderer, dir, where) {
  const run = spawnSync(renderer.name, renderer.args(dir), { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0) {
    const message = (run.stderr || String(run.error ?? "")).trim().split("\n").slice(0, 3).join(" | ");
    error(where, `${renderer.name} failed: ${message}`);
    return null;
  }
  const objects = [];
  for (const doc of parseAllDocuments(run.stdout, { version: "1.1" })) {
    if (doc.errors.length > 0) {
      error(where, `rendered YAML: ${doc.errors[0].message}`);
    } else if (doc.contents !== null) {
      objects.push(doc.toJS());
    }
  }
  return objects;
}

/** Built-in composition vs. real kustomize, with generated names' hash suffixes removed. */
function compareCompositions(builtin, rendered) {
  const hashed = new Map();
  for (const obj of rendered) {
    const m = /^(.*)-[a-z0-9]{10}$/.exec(obj.metadata?.name ?? "");
    if (m && (obj.kind === "ConfigMap" || obj.kind === "Secret") && builtin.some((b) => b.kind === obj.kind && b.metadata.name === m[1])) {
      hashed.set(obj.metadata.name, m[1]);
    }
  }
  const normalize = (obj) => {
    let text = JSON.stringify(sortKeys(obj));
    for (const [from, to] of hashed) {
      text = text.replaceAll(`"${from}"`, `"${to}"`);
    }
    return text;
  };
  const key = (o) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
  const left = new Map(builtin.map((o) => [key(o), normalize(o)]));
  const right = new Map(rendered.map((o) => [key(JSON.parse(normalize(o))), normalize(o)]));
  const differences = [];
  for (const k of new Set([...left.keys(), ...right.keys()])) {
    if (left.get(k) !== right.get(k)) {
      differences.push(k);
    }
  }
  return differences;
}

function sortKeys(value) {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (isMapping(value)) {
    const out = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = sortKeys(value[key]);
    }
    // A generated Secret's stringData and kustomize's base64 data are the same content.
    if (out.kind === "Secret" && out.data && !out.stringData) {
      out.stringData = Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString("utf8")]));
      delete out.data;
    }
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Policies on composed objects
// ---------------------------------------------------------------------------------------------------------

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function selectorMatches(selector, labels) {
  if (!isMapping(selector) || Object.keys(selector).length === 0) {
    return false;
  }
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The pod labels of an Orleans client (your API, the demo API host). */
const CLIENT_LABELS = { "authcache/role": "client" };

/** A metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) must all hold. */
function labelSelectorMatches(selector, labels) {
  if (!isMapping(selector)) {
    return false;
  }
  const { matchLabels = {}, matchExpressions = [] } = selector;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    return false;
  }
  const expressionHolds = ({ key, operator, values = [] }) => {
    const present = Object.hasOwn(labels ?? {}, key);
    switch (operator) {
      case "In":
        return present && values.includes(labels[key]);
      case "NotIn":
        return !present || !values.includes(labels[key]);
      case "Exists":
        return present;
      case "DoesNotExist":
        return !present;
      default:
        return false;
    }
  };
  return Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v) && matchExpressions.every(expressionHolds);
}

function workloads(objects) {
  return objects.filter((o) => podSpecOf(o) && o.kind !== "Pod");
}

/**
 * Orleans over mutual TLS (src/Hosting, Orleans:Tls): every silo and client sets Orleans__Tls__Enabled=true (a
 * Production process of a cluster of processes refuses to start without it), and its certificate, key and CA files
 * lie in a read-only directory mount (no subPath, which freezes the files and so defeats renewal) of the secret of a
 * cert-manager Certificate in the composition whose usages fit the process's role: a silo's Server and Client
 * Authentication, a client's (Orleans__Mode=Client) Client Authentication only.
 */
function checkOrleansTls(at, container, pod, envValue, certificates) {
  if (envValue("Orleans__Tls__Enabled") !== "true") {
    error(at, "Orleans__Tls__Enabled must be \"true\": the Orleans connections of a cluster of processes need mutual TLS (components/orleans-mtls)");
    return;
  }
  const client = envValue("Orleans__Mode") === "Client";
  for (const key of ["CertificatePath", "KeyPath", "CaPath"]) {
    const file = envValue(`Orleans__Tls__${key}`);
    if (file === undefined) {
      if (key !== "KeyPath") {
        error(at, `Orleans__Tls__${key} is not set`);
      }
      continue;
    }
    const mount = (container.volumeMounts ?? []).find((m) => path.posix.dirname(file) === m.mountPath.replace(/\/$/, ""));
    if (!mount) {
      error(at, `Orleans__Tls__${key} ${file} is not in a directory mount of the container`);
      continue;
    }
    if (mount.subPath || mount.subPathExpr) {
      error(at, `volumeMount ${mount.name} uses subPath: its files would never see a renewed certificate`);
    }
    if (mount.readOnly !== true) {
      error(at, `volumeMount ${mount.name} holds the Orleans TLS key and must be readOnly`);
    }
    const secretName = (pod.volumes ?? []).find((v) => v.name === mount.name)?.secret?.secretName;
    if (!secretName) {
      error(at, `Orleans__Tls__${key}: volume ${mount.name} is not a Secret volume`);
      continue;
    }
    const certificate = certificates.get(secretName);
    if (!certificate) {
      error(at, `Orleans__Tls__${key}: Secret ${secretName} is not issued by a cert-manager Certificate of the composition`);
      continue;
    }
    const usages = new Set(certificate.spec?.usages ?? []);
    const fits = client ? usages.has("client auth") && !usages.has("server auth") : usages.has("client auth") && usages.has("server auth");
    if (!fits) {
      error(at, `Certificate ${certificate.metadata.name} has usages [${[...usages].join(", ")}], not a ${client ? "client's (client auth, no server auth)" : "silo's (server auth and client auth)"}`);
    }
  }
}

function checkPolicies(objects, where) {
  const errorsBefore = counts.errors;
  const configMaps = new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [o.metadata.name, o]));
  const secrets = new Set(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name));
  const externalSecrets = new Set();
  const orleansIds = [];
  const certificates = new Map(objects.filter((o) => o.kind === "Certificate").map((o) => [o.spec?.secretName, o]));

  for (const obj of workloads(objects)) {
    const at = `${where}: ${describe(obj)}`;
    const pod = podSpecOf(obj);
    const templateLabels = obj.spec?.template?.metadata?.labels ?? {};
    if (obj.spec?.selector?.matchLabels && !selectorMatches(obj.spec.selector.matchLabels, templateLabels)) {
      error(at, "spec.selector.matchLabels does not match the pod template's labels");
    }
    if (pod.automountServiceAccountToken !== false) {
      error(at, "automountServiceAccountToken must be false (nothing here calls the Kubernetes API)");
    }
    const podSecurity = pod.securityContext ?? {};
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const container of allContainers(pod)) {
      const c = `${at} container ${container.name}`;
      const security = container.securityContext ?? {};
      if (podSecurity.runAsNonRoot !== true && security.runAsNonRoot !== true) {
        error(c, "runAsNonRoot must be true");
      }
      if (security.runAsUser === 0 || (security.runAsUser === undefined && podSecurity.runAsUser === 0)) {
        error(c, "runs as root (runAsUser 0)");
      }
      if (!["RuntimeDefault", "Localhost"].includes(security.seccompProfile?.type ?? podSecurity.seccompProfile?.type)) {
        error(c, "seccompProfile must be RuntimeDefault (pod or container securityContext)");
      }
      if (security.allowPrivilegeEscalation !== false) {
        error(c, "allowPrivilegeEscalation must be false");
      }
      if (security.readOnlyRootFilesystem !== true) {
        error(c, "readOnlyRootFilesystem must be true");
      }
      if (!(security.capabilities?.drop ?? []).includes("ALL")) {
        error(c, "capabilities.drop must include ALL");
      }
      if (security.privileged === true) {
        error(c, "privileged containers are not allowed");
      }
      for (const kind of ["requests", "limits"]) {
        for (const resource of ["cpu", "memory"]) {
          if (container.resources?.[kind]?.[resource] === undefined) {
            error(c, `resources.${kind}.${resource} is required`);
          }
        }
      }
      if (typeof container.image !== "string" || !/[:@]/.test(container.image.slice(container.image.lastIndexOf("/") + 1))) {
        error(c, `image "${container.image}" has no tag or digest`);
      } else if (/:latest$/.test(container.image)) {
        error(c, `image "${container.image}" uses the mutable tag latest`);
      }
      const isInit = (pod.initContainers ?? []).includes(container);
      if (!isInit) {
        for (const probe of ["readinessProbe", "livenessProbe"]) {
          if (!container[probe]) {
            error(c, `${probe} is required`);
          }
        }
      }
      const portNames = new Set((container.ports ?? []).map((p) => p.name).filter(Boolean));
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port ?? container[probe]?.grpc?.port;
        if (typeof port === "string" && !portNames.has(port)) {
          error(c, `${probe} uses port "${port}", which the container does not declare`);
        }
      }
      for (const mount of container.volumeMounts ?? []) {
        if (!volumes.has(mount.name)) {
          error(c, `volumeMount ${mount.name} has no volume`);
        }
      }
      // $(VAR) expands only variables defined earlier in the same list; otherwise it stays literal text.
      const defined = new Set();
      const env = container.env ?? [];
      for (const variable of env) {
        for (const m of String(variable.value ?? "").matchAll(/\$\(([^)]+)\)/g)) {
          if (!defined.has(m[1])) {
            error(c, `env ${variable.name} uses $(${m[1]}), which is not defined before it`);
          }
        }
        defined.add(variable.name);
        const configMapRef = variable.valueFrom?.configMapKeyRef;
        if (configMapRef && !configMapRef.optional) {
          const cm = configMaps.get(configMapRef.name);
          if (!cm) {
            error(c, `env ${variable.name}: ConfigMap ${configMapRef.name} is not part of the composition`);
          } else if (!(configMapRef.key in (cm.data ?? {}))) {
            error(c, `env ${variable.name}: ConfigMap ${configMapRef.name} has no key ${configMapRef.key}`);
          }
        }
        const secretRef = variable.valueFrom?.secretKeyRef;
        if (secretRef && !secrets.has(secretRef.name)) {
          externalSecrets.add(secretRef.name);
        }
      }
      for (const source of container.envFrom ?? []) {
        const name = source.configMapRef?.name;
        if (name) {
          const cm = configMaps.get(name);
          if (!cm && !source.configMapRef.optional) {
            error(c, `envFrom: ConfigMap ${name} is not part of the composition`);
          }
          for (const key of Object.keys(cm?.data ?? {})) {
            if (!ENV_NAME.test(key)) {
              error(c, `envFrom: ConfigMap ${name} key "${key}" is not a valid environment variable name (it would be skipped)`);
            }
          }
        }
        if (source.secretRef?.name && !secrets.has(source.secretRef.name)) {
          externalSecrets.add(source.secretRef.name);
        }
      }
      // Orleans: the ids every silo and client must share, and the silo's shutdown budget.
      const envValue = (name) => env.find((v) => v.name === name)?.value;
      const clusterId = envValue("Orleans__ClusterId");
      const serviceId = envValue("Orleans__ServiceId");
      if (clusterId !== undefined || serviceId !== undefined) {
        orleansIds.push({ at: c, clusterId, serviceId });
        if (templateLabels["orleans/clusterId"] !== undefined && templateLabels["orleans/clusterId"] !== clusterId) {
          error(c, `pod label orleans/clusterId=${templateLabels["orleans/clusterId"]} differs from Orleans__ClusterId=${clusterId}`);
        }
        if (templateLabels["orleans/serviceId"] !== undefined && templateLabels["orleans/serviceId"] !== serviceId) {
          error(c, `pod label orleans/serviceId=${templateLabels["orleans/serviceId"]} differs from Orleans__ServiceId=${serviceId}`);
        }
        checkOrleansTls(c, container, pod, envValue, certificates);
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
        if (grace <= HOST_SHUTDOWN_TIMEOUT_SECONDS + preStop) {
          error(c, `terminationGracePeriodSeconds ${grace} must exceed the hosts' ${HOST_SHUTDOWN_TIMEOUT_SECONDS} s shutdown timeout plus the ${preStop} s preStop pause`);
        }
      }
    }
  }

  const distinctIds = new Set(orleansIds.map((i) => `${i.clusterId}|${i.serviceId}`));
  if (distinctIds.size > 1) {
    error(where, `Orleans ClusterId/ServiceId differ between workloads: ${orleansIds.map((i) => `${i.at} = ${i.clusterId}/${i.serviceId}`).join("; ")}`);
  }

  const templates = workloads(objects).map((o) => ({ obj: o, labels: o.spec?.template?.metadata?.labels ?? {}, pod: podSpecOf(o) }));
  for (const obj of objects) {
    const at = `${where}: ${describe(obj)}`;
    if (obj.kind === "Service" && obj.spec?.selector) {
      const selected = templates.filter((t) => selectorMatches(obj.spec.selector, t.labels));
      if (selected.length === 0) {
        error(at, "selector matches no pod template");
      }
      for (const port of obj.spec.ports ?? []) {
        if (typeof port.targetPort === "string" && !selected.some((t) => allContainers(t.pod).some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)))) {
          error(at, `targetPort "${port.targetPort}" is not a named port of the selected pods`);
        }
      }
    }
    if (obj.kind === "PodDisruptionBudget" && !templates.some((t) => selectorMatches(obj.spec?.selector?.matchLabels, t.labels))) {
      error(at, "selector matches no pod template");
    }
    if (obj.kind === "HorizontalPodAutoscaler") {
      const ref = obj.spec?.scaleTargetRef ?? {};
      const target = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
      if (!target) {
        error(at, `scaleTargetRef ${ref.kind}/${ref.name} is not part of the composition`);
      } else {
        const { minReplicas = 1, maxReplicas } = obj.spec;
        if (minReplicas > maxReplicas) {
          error(at, `minReplicas ${minReplicas} > maxReplicas ${maxReplicas}`);
        }
        const replicas = target.spec?.replicas;
        if (replicas !== undefined && (replicas < minReplicas || replicas > maxReplicas)) {
          error(at, `${describe(target)} has replicas ${replicas}, outside ${minReplicas}..${maxReplicas}`);
        }
        const usesCpu = (obj.spec.metrics ?? []).some((m) => m.resource?.name === "cpu" && m.resource?.target?.type === "Utilization");
        if (usesCpu && allContainers(podSpecOf(target)).some((c) => !c.resources?.requests?.cpu)) {
          error(at, "CPU utilization target, but a container of the target has no CPU request");
        }
      }
    }
    if (obj.kind === "NetworkPolicy") {
      if (!templates.some((t) => selectorMatches(obj.spec?.podSelector?.matchLabels, t.labels))) {
        error(at, "podSelector matches no pod template");
      }
      for (const rule of obj.spec?.ingress ?? []) {
        for (const peer of rule.from ?? []) {
          const selector = peer.podSelector?.matchLabels;
          if (selector && !peer.namespaceSelector && !templates.some((t) => selectorMatches(selector, t.labels))) {
            // The Orleans clients are your API's pods, deployed from your own manifests next to these.
            if (selectorMatches(selector, CLIENT_LABELS)) {
              note(`${at}: ingress from ${JSON.stringify(selector)} selects no pod here; it is meant for your API's pods (examples/client-api)`);
            } else {
              error(at, `ingress from podSelector ${JSON.stringify(selector)} matches no pod template`);
            }
          }
        }
      }
    }
    if (obj.kind === "PodMonitor") {
      const selected = templates.filter((t) => labelSelectorMatches(obj.spec?.selector, t.labels));
      if (selected.length === 0) {
        error(at, "selector matches no pod template");
      }
      for (const endpoint of obj.spec?.podMetricsEndpoints ?? []) {
        for (const t of selected) {
          if (!allContainers(t.pod).some((c) => (c.ports ?? []).some((p) => p.name === endpoint.port))) {
            error(at, `port "${endpoint.port}" is not a named container port of ${describe(t.obj)}`);
          }
        }
      }
      const roles = new Set(selected.map((t) => t.labels["authcache/role"]));
      if (selected.length > 0 && !roles.has("silo")) {
        error(at, "selects no silo pod: the alert rules and the dashboard need the silos' metrics");
      }
    }
  }
  return { violations: counts.errors - errorsBefore, externalSecrets: [...externalSecrets] };
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes: drive the checks
// ---------------------------------------------------------------------------------------------------------

function findKustomizations(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (kustomizationFile(full)) {
        found.push(full);
      }
      found.push(...findKustomizations(full));
    }
  }
  return found;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

async function checkKubernetes() {
  if (!existsSync(K8S)) {
    error(rel(K8S), "missing");
    return;
  }
  const targets = findKustomizations(K8S).filter((dir) => {
    const { docs } = loadYaml(kustomizationFile(dir));
    return docs[0]?.kind !== "Component";
  });
  const renderer = findRenderer();
  if (!renderer) {
    note(process.env.AUTHCACHE_KUSTOMIZE === "builtin"
      ? "AUTHCACHE_KUSTOMIZE=builtin: compositions come from the built-in composer"
      : "neither kustomize nor kubectl is installed: compositions come from the built-in composer");
  }
  let renderedCount = 0;
  let violations = 0;
  for (const dir of targets) {
    const where = rel(dir);
    const builtin = await compose(dir);
    let objects = builtin.objects;
    let how = builtin.exact ? "built-in composer" : "built-in composer (approximate: uses kustomize features it does not implement)";
    if (renderer) {
      const rendered = render(renderer, dir, where);
      if (rendered) {
        const differences = compareCompositions(builtin.objects, rendered);
        if (builtin.exact && differences.length > 0) {
          note(`${where}: the built-in composer differs from kustomize on ${differences.join(", ")} (kustomize's output is the one checked)`);
        }
        objects = rendered;
        how = renderer.label;
      }
    }
    for (const obj of objects) {
      recordDocument(`${where} rendered ${describe(obj)}`, await schemaProblems(obj));
    }
    renderedCount += objects.length;
    const policy = checkPolicies(objects, where);
    violations += policy.violations;
    const external = policy.externalSecrets.length > 0 ? `; expects Secret ${policy.externalSecrets.join(", ")} to exist in the namespace` : "";
    console.log(`${where}: ${objects.length} objects composed with ${how}${external}`);
  }
  for (const file of listFiles(K8S)) {
    if (!usedFiles.has(file)) {
      error(rel(file), "not referenced by any kustomization (it would never be deployed or checked in context)");
    }
  }
  sections.push(`policies: ${violations} violations in ${renderedCount} composed objects of ${targets.length} kustomizations`);
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfiles
// ---------------------------------------------------------------------------------------------------------

const ROOT_BUILD_FILES = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "NuGet.config", "nuget.config", "NuGet.Config", "global.json"];

function projectReferences(csproj) {
  const text = readFileSync(csproj, "utf8");
  return [...text.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)].map((m) =>
    path.resolve(path.dirname(csproj), m[1].replaceAll("\\", "/")),
  );
}

function referenceClosure(csproj, seen = new Set()) {
  if (seen.has(csproj)) {
    return seen;
  }
  seen.add(csproj);
  if (existsSync(csproj)) {
    for (const ref of projectReferences(csproj)) {
      referenceClosure(ref, seen);
    }
  }
  return seen;
}

function assemblyName(csproj) {
  const m = /<AssemblyName>([^<]+)<\/AssemblyName>/.exec(readFileSync(csproj, "utf8"));
  return m ? m[1].trim() : path.basename(csproj, ".csproj");
}

function dockerInstructions(text) {
  const joined = text.replace(/\\\r?\n/g, " ");
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [, instruction, rest] = /^(\S+)\s*(.*)$/.exec(line);
      return { instruction: instruction.toUpperCase(), args: rest };
    });
}

function checkDockerfiles() {
  if (!existsSync(DOCKER)) {
    error(rel(DOCKER), "missing");
    return;
  }
  const files = readdirSync(DOCKER).filter((f) => f.endsWith(".Dockerfile") || f === "Dockerfile");
  const before = counts.errors;
  for (const name of files) {
    const file = path.join(DOCKER, name);
    const where = rel(file);
    const instructions = dockerInstructions(readFileSync(file, "utf8"));
    if (!existsSync(path.join(DOCKER, `${name}.dockerignore`))) {
      error(where, `no ${name}.dockerignore next to it: bin/ and obj/ of the work tree would enter the build context`);
    }
    const stages = [];
    for (const ins of instructions) {
      if (ins.instruction === "FROM") {
        stages.push({ from: ins.args, instructions: [] });
      } else if (stages.length > 0) {
        stages.at(-1).instructions.push(ins);
      }
    }
    if (stages.length < 2) {
      error(where, "expected a multi-stage build (SDK build stage, runtime stage)");
      continue;
    }
    if (!/mcr\.microsoft\.com\/dotnet\/sdk:/.test(stages[0].from)) {
      error(where, `the build stage should start FROM mcr.microsoft.com/dotnet/sdk, not ${stages[0].from}`);
    }
    const final = stages.at(-1);
    if (!/mcr\.microsoft\.com\/dotnet\/aspnet:/.test(final.from)) {
      error(where, `the runtime stage should start FROM mcr.microsoft.com/dotnet/aspnet, not ${final.from}`);
    }
    const user = final.instructions.filter((i) => i.instruction === "USER").at(-1)?.args;
    if (!user || /^(root|0)(:|$)/.test(user)) {
      error(where, "the runtime stage must end with a non-root USER ($APP_UID)");
    }
    // The restore layer: COPYs before the first `dotnet restore` of the build stage.
    const build = stages[0].instructions;
    const restoreIndex = build.findIndex((i) => i.instruction === "RUN" && /dotnet restore\s+(\S+\.csproj)/.test(i.args));
    if (restoreIndex < 0) {
      error(where, "no `RUN dotnet restore <project>.csproj` layer before the sources are copied");
      continue;
    }
    const project = /dotnet restore\s+(\S+\.csproj)/.exec(build[restoreIndex].args)[1];
    const projectFile = path.resolve(REPO, project);
    if (!existsSync(projectFile)) {
      error(where, `restores ${project}, which does not exist`);
      continue;
    }
    const copied = new Set();
    for (const ins of build.slice(0, restoreIndex)) {
      if (ins.instruction !== "COPY") {
        continue;
      }
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith("--"));
      const destination = parts.pop();
      for (const source of parts) {
        const full = path.resolve(REPO, source);
        if (!existsSync(full)) {
          error(where, `COPY ${source}: no such file in the build context (the repository root)`);
        }
        copied.add(full);
        if (!destination.endsWith("/") && parts.length > 1) {
          error(where, `COPY of several files needs a destination directory ending in "/"`);
        }
      }
    }
    for (const csproj of referenceClosure(projectFile)) {
      if (!copied.has(csproj)) {
        error(where, `the restore layer does not copy ${rel(csproj)}, referenced by ${project}: restore would fail`);
      }
    }
    for (const buildFile of ROOT_BUILD_FILES) {
      const full = path.join(REPO, buildFile);
      if (existsSync(full) && !copied.has(full)) {
        error(where, `the restore layer does not copy ${buildFile} (it changes how every project restores and builds)`);
      }
    }
    if (!build.some((i) => i.instruction === "RUN" && new RegExp(`dotnet publish\\s+${project.replaceAll(".", "\\.")}`).test(i.args))) {
      error(where, `no \`dotnet publish ${project}\` in the build stage`);
    }
    const entrypoint = final.instructions.filter((i) => i.instruction === "ENTRYPOINT").at(-1)?.args ?? "";
    const dll = `${assemblyName(projectFile)}.dll`;
    if (!entrypoint.includes(`"${dll}"`)) {
      error(where, `ENTRYPOINT should run ${dll} (the assembly of ${project}), found ${entrypoint || "none"}`);
    }
    if (!final.instructions.some((i) => i.instruction === "ENV" && /ASPNETCORE_HTTP_PORTS=8080/.test(i.args))) {
      error(where, "the runtime stage should set ASPNETCORE_HTTP_PORTS=8080 (the port of the probes and Services)");
    }
  }
  sections.push(`dockerfiles: ${files.length} checked, ${counts.errors - before} errors`);
}

// ---------------------------------------------------------------------------------------------------------
// Grafana dashboard
// ---------------------------------------------------------------------------------------------------------

/**
 * PromQL syntax errors and unknown metrics of one expression. Names starting `authcache_` must be AuthCache series;
 * with `known`, every other name must be in it too.
 */
function promqlProblems(expr, known = null) {
  // Grafana's variables: ranges become a duration, anything else a plain value (they appear inside label
  // matcher strings here).
  const concrete = expr
    .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, "5m")
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, "x");
  const problems = [];
  const tree = promqlParser.parse(concrete);
  tree.iterate({
    enter(node) {
      if (node.type.isError && problems.length === 0) {
        problems.push(`PromQL syntax error at offset ${node.from}: …${concrete.slice(Math.max(0, node.from - 20), node.from + 20)}…`);
      }
    },
  });
  tree.iterate({
    enter(node) {
      if (node.type.name === "Identifier" && node.node.parent?.type.name === "VectorSelector") {
        const metric = concrete.slice(node.from, node.to);
        if (metric.startsWith("authcache_") && !AUTHCACHE_SERIES.has(metric)) {
          problems.push(`unknown metric ${metric} (AuthCache exports ${[...AUTHCACHE_SERIES].join(", ")})`);
        } else if (known && !metric.startsWith("authcache_") && !known.has(metric)) {
          problems.push(`metric ${metric} is neither AuthCache's nor one of ${[...known].join(", ")}`);
        }
      }
    },
  });
  return problems;
}

function checkDashboards() {
  if (!existsSync(GRAFANA)) {
    error(rel(GRAFANA), "missing");
    return;
  }
  const before = counts.errors;
  let panels = 0;
  let queries = 0;
  const files = readdirSync(GRAFANA).filter((f) => f.endsWith(".json"));
  for (const name of files) {
    const file = path.join(GRAFANA, name);
    const where = rel(file);
    let dashboard;
    try {
      dashboard = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      error(where, `invalid JSON: ${e.message}`);
      continue;
    }
    if (!(dashboard.__inputs ?? []).some((i) => i.name === "DS_PROMETHEUS" && i.type === "datasource" && i.pluginId === "prometheus")) {
      error(where, "__inputs must declare the DS_PROMETHEUS Prometheus datasource (asked for on import)");
    }
    if (typeof dashboard.uid !== "string" || typeof dashboard.title !== "string") {
      error(where, "uid and title are required");
    }
    const all = [];
    const walk = (list) => {
      for (const panel of list ?? []) {
        all.push(panel);
        walk(panel.panels);
      }
    };
    walk(dashboard.panels);
    const ids = new Set();
    for (const panel of all) {
      const at = `${where} panel ${panel.id} "${panel.title}"`;
      if (ids.has(panel.id)) {
        error(at, "duplicate panel id");
      }
      ids.add(panel.id);
      if (panel.type === "row") {
        continue;
      }
      panels++;
      if (panel.datasource?.uid !== "${DS_PROMETHEUS}") {
        error(at, 'panel datasource must be { "type": "prometheus", "uid": "${DS_PROMETHEUS}" }');
      }
      if (!panel.gridPos || [panel.gridPos.x, panel.gridPos.y, panel.gridPos.w, panel.gridPos.h].some((n) => typeof n !== "number")) {
        error(at, "gridPos x, y, w, h are required");
      } else if (panel.gridPos.x + panel.gridPos.w > 24) {
        error(at, "gridPos is wider than the 24-column grid");
      }
      if (!Array.isArray(panel.targets) || panel.targets.length === 0) {
        error(at, "no query");
      }
      for (const target of panel.targets ?? []) {
        queries++;
        if (target.datasource?.uid !== undefined && target.datasource.uid !== "${DS_PROMETHEUS}") {
          error(at, `query ${target.refId} uses another datasource`);
        }
        for (const problem of promqlProblems(target.expr ?? "")) {
          error(`${at} query ${target.refId}`, problem);
        }
      }
    }
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type === "query" && variable.datasource?.uid !== "${DS_PROMETHEUS}") {
        error(`${where} variable ${variable.name}`, "must query the ${DS_PROMETHEUS} datasource");
      }
    }
  }
  sections.push(`dashboards: ${files.length} checked (${panels} panels, ${queries} queries), ${counts.errors - before} errors`);
}

// ---------------------------------------------------------------------------------------------------------
// Prometheus alert rules, their unit tests, their runbook entries, the generated PrometheusRule
// ---------------------------------------------------------------------------------------------------------

const PROMETHEUS_RULE_HEADER =
  "# Generated from deploy/prometheus/authcache.rules.yaml by `deploy/validate/run.sh --write`: edit that file, never\n" +
  "# this one (the validator fails while they differ). Select it from your Prometheus (kube-prometheus-stack: add its\n" +
  "# release label in your kustomization).\n";

/** The PrometheusRule manifest the rules file renders to, as text. */
function renderPrometheusRule(rules) {
  const manifest = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: "authcache",
      labels: { "app.kubernetes.io/name": "authcache", "app.kubernetes.io/part-of": "authcache" },
    },
    spec: { groups: rules.groups },
  };
  return PROMETHEUS_RULE_HEADER + stringify(manifest, { lineWidth: 0 });
}

function runPromtool(args, what) {
  const run = spawnSync("promtool", args, { cwd: PROMETHEUS, encoding: "utf8", timeout: 120_000 });
  if (run.error?.code === "ENOENT") {
    error(what, "promtool is not installed (Debian: apt-get install prometheus)");
    return false;
  }
  if (run.error || run.status !== 0) {
    error(what, `promtool ${args.join(" ")} failed:\n${(run.stdout + run.stderr).trim()}`);
    return false;
  }
  return true;
}

/** Anchors of the Markdown headings of a file, as GitHub derives them. */
function headingAnchors(file) {
  const anchors = new Set();
  for (const m of readFileSync(file, "utf8").matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    anchors.add(m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-"));
  }
  return anchors;
}

function checkPrometheusRules() {
  const before = counts.errors;
  for (const file of [RULES_FILE, RULES_TEST_FILE, RUNBOOK]) {
    if (!existsSync(file)) {
      error(rel(file), "missing");
    }
  }
  if (counts.errors > before) {
    sections.push(`prometheus rules: ${counts.errors - before} errors`);
    return;
  }
  const rules = parseAllDocuments(readFileSync(RULES_FILE, "utf8"))[0]?.toJS() ?? {};
  const tests = parseAllDocuments(readFileSync(RULES_TEST_FILE, "utf8"))[0]?.toJS() ?? {};
  const checked = runPromtool(["check", "rules", path.basename(RULES_FILE)], rel(RULES_FILE));
  const tested = runPromtool(["test", "rules", path.basename(RULES_TEST_FILE)], rel(RULES_TEST_FILE));

  const cases = new Map();
  for (const test of tests.tests ?? []) {
    for (const evaluation of test.alert_rule_test ?? []) {
      const seen = cases.get(evaluation.alertname) ?? { fires: 0, silent: 0 };
      (evaluation.exp_alerts ?? []).length > 0 ? seen.fires++ : seen.silent++;
      cases.set(evaluation.alertname, seen);
    }
  }
  const anchors = headingAnchors(RUNBOOK);
  const names = new Set();
  let alerts = 0;
  for (const group of rules.groups ?? []) {
    for (const rule of group.rules ?? []) {
      const name = rule.alert ?? rule.record;
      const at = `${rel(RULES_FILE)} ${rule.alert ? "alert" : "rule"} ${name}`;
      for (const problem of promqlProblems(String(rule.expr ?? ""), EXTERNAL_SERIES)) {
        error(at, problem);
      }
      if (!rule.alert) {
        continue;
      }
      alerts++;
      if (names.has(name)) {
        error(at, "defined twice");
      }
      names.add(name);
      if (!["warning", "critical"].includes(rule.labels?.severity)) {
        error(at, "labels.severity must be warning or critical");
      }
      for (const annotation of ["summary", "description"]) {
        if (!rule.annotations?.[annotation]) {
          error(at, `annotations.${annotation} is required`);
        }
      }
      const anchor = name.toLowerCase();
      if (rule.annotations?.runbook_url !== `docs/operations.md#${anchor}`) {
        error(at, `annotations.runbook_url must be docs/operations.md#${anchor}`);
      }
      if (!anchors.has(anchor)) {
        error(at, `docs/operations.md has no runbook entry (a heading "${name}")`);
      }
      const seen = cases.get(name) ?? { fires: 0, silent: 0 };
      if (seen.fires === 0 || seen.silent === 0) {
        error(at, `${rel(RULES_TEST_FILE)} must evaluate it where it fires and where it stays silent (has ${seen.fires} firing, ${seen.silent} silent)`);
      }
    }
  }
  for (const alertname of cases.keys()) {
    if (!names.has(alertname)) {
      error(rel(RULES_TEST_FILE), `tests alert ${alertname}, which the rules do not define`);
    }
  }

  const rendered = renderPrometheusRule(rules);
  if (WRITE) {
    writeFileSync(PROMETHEUS_RULE_FILE, rendered);
    note(`${rel(PROMETHEUS_RULE_FILE)} written from ${rel(RULES_FILE)}`);
  } else if (!existsSync(PROMETHEUS_RULE_FILE) || readFileSync(PROMETHEUS_RULE_FILE, "utf8") !== rendered) {
    error(rel(PROMETHEUS_RULE_FILE), `out of date with ${rel(RULES_FILE)}: run deploy/validate/run.sh --write`);
  }
  sections.push(
    `prometheus rules: ${alerts} alerts, promtool check ${checked ? "passed" : "failed"}, unit tests ${tested ? "passed" : "failed"}, ${counts.errors - before} errors`,
  );
}

// ---------------------------------------------------------------------------------------------------------

checkPrometheusRules();
await checkKubernetes();
checkDockerfiles();
checkDashboards();
for (const line of sections) {
  console.log(line);
}
const otherErrors = counts.errors - counts.documentErrors;
console.log(`manifests: ${counts.valid} valid, ${counts.invalid} invalid${otherErrors > 0 ? `; ${otherErrors} other errors (ERROR lines above)` : ""}`);
process.exitCode = counts.errors > 0 || counts.invalid > 0 ? 1 : 0;
