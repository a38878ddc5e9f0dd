// The metrics contract between the code and the monitoring material: the series AuthCache exports are read from the
// instruments src/ creates; every query of the Grafana dashboard and every alert rule must parse as PromQL and name
// only those (or, for the rules, a few series of other exporters). The rules also pass promtool's checks and unit
// tests, each alert has a firing and a silent test and a runbook entry, and the PrometheusRule of
// components/monitoring is exactly what the rules file renders to.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { rel } from "./report.mjs";

const KINDS = "Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge";
const INSTRUMENT = new RegExp(`\\.Create(${KINDS})\\s*(?:<[^>]*>)?\\s*\\(`, "g");
/** Units as OpenTelemetry's Prometheus exporter spells them in a series name. */
const UNITS = { s: "_seconds", ms: "_milliseconds", By: "_bytes" };

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ["bin", "obj"].includes(entry.name) ? [] : sourceFiles(full);
    }
    return entry.name.endsWith(".cs") ? [full] : [];
  });
}

/** The argument list of the call whose `(` ends at `start`, string literals skipped. */
function callArguments(text, start) {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "\"") {
      i = text.indexOf("\"", i + 1);
    } else if (text[i] === "(") {
      depth++;
    } else if (text[i] === ")" && --depth === 0) {
      return text.slice(start, i);
    }
  }
  return text.slice(start);
}

/**
 * The Prometheus series of every instrument created under src/, as OpenTelemetry's Prometheus exporter names them:
 * dots become underscores, then the unit, then `_total` for counters or `_bucket`, `_sum`, `_count` for histograms.
 */
export function exportedSeries(srcDir, report) {
  const series = new Set();
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(INSTRUMENT)) {
      const args = callArguments(text, m.index + m[0].length);
      const name = /^\s*"([^"]+)"/.exec(args)?.[1];
      if (!name) {
        report.error(rel(file), `Create${m[1]}: the instrument name is not a string literal, so its series is unknown`);
        continue;
      }
      const unit = /\bunit:\s*"([^"]*)"/.exec(args)?.[1] ?? "";
      if (unit && !(unit in UNITS) && !/^\{.*\}$/.test(unit)) {
        report.error(rel(file), `${name}: unit "${unit}" has no known Prometheus spelling here`);
      }
      const base = name.replaceAll(".", "_") + (UNITS[unit] ?? "");
      const suffixes = { Counter: ["_total"], ObservableCounter: ["_total"], Histogram: ["_bucket", "_sum", "_count"] };
      (suffixes[m[1]] ?? [""]).forEach((suffix) => series.add(base + suffix));
    }
  }
  if (series.size === 0) {
    report.error(rel(srcDir), "no metric instrument found: the monitoring material cannot be checked");
  }
  return series;
}

/**
 * PromQL syntax errors and unknown metrics of one expression. Names starting `authcache_` must be in `series`; with
 * `external`, every other name must be in it.
 */
export function promqlProblems(expr, series, external = null) {
  // Grafana's variables: ranges become a duration, anything else a plain value (they appear in label matchers here).
  const concrete = expr
    .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, "5m")
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, "x");
  const problems = [];
  promqlParser.parse(concrete).iterate({
    enter(node) {
      if (node.type.isError && !problems.some((p) => p.startsWith("PromQL"))) {
        const around = concrete.slice(Math.max(0, node.from - 20), node.from + 20);
        problems.push(`PromQL syntax error at offset ${node.from}: …${around}…`);
      }
      if (node.type.name === "Identifier" && node.node.parent?.type.name === "VectorSelector") {
        const metric = concrete.slice(node.from, node.to);
        if (metric.startsWith("authcache_") && !series.has(metric)) {
          problems.push(`unknown metric ${metric}: no instrument under src/ exports it`);
        } else if (external && !metric.startsWith("authcache_") && !external.has(metric)) {
          problems.push(`metric ${metric} is neither AuthCache's nor one of ${[...external].join(", ")}`);
        }
      }
    },
  });
  return problems;
}

const DATASOURCE = "${DS_PROMETHEUS}";

/** Every Grafana dashboard of `dir`: importable, one datasource input, valid layout, queries of exported series. */
export function checkDashboards(dir, series, report) {
  let panels = 0;
  let queries = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  for (const file of files.map((f) => path.join(dir, f))) {
    let dashboard;
    try {
      dashboard = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      report.error(rel(file), `invalid JSON: ${e.message}`);
      continue;
    }
    const inputs = dashboard.__inputs ?? [];
    if (!inputs.some((i) => i.name === "DS_PROMETHEUS" && i.type === "datasource" && i.pluginId === "prometheus")) {
      report.error(rel(file), "__inputs must declare the DS_PROMETHEUS Prometheus datasource (asked for on import)");
    }
    if (typeof dashboard.uid !== "string" || typeof dashboard.title !== "string") {
      report.error(rel(file), "uid and title are required");
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
      const at = `${rel(file)} panel ${panel.id} "${panel.title}"`;
      if (ids.has(panel.id)) {
        report.error(at, "duplicate panel id");
      }
      ids.add(panel.id);
      if (panel.type === "row") {
        continue;
      }
      panels++;
      queries += checkPanel(panel, at, series, report);
    }
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type === "query" && variable.datasource?.uid !== DATASOURCE) {
        report.error(`${rel(file)} variable ${variable.name}`, `must query the ${DATASOURCE} datasource`);
      }
    }
  }
  return `dashboards: ${files.length} checked (${panels} panels, ${queries} queries)`;
}

function checkPanel(panel, at, series, report) {
  if (panel.datasource?.uid !== DATASOURCE) {
    report.error(at, `panel datasource must be { "type": "prometheus", "uid": "${DATASOURCE}" }`);
  }
  const { x, y, w, h } = panel.gridPos ?? {};
  if ([x, y, w, h].some((n) => typeof n !== "number")) {
    report.error(at, "gridPos x, y, w, h are required");
  } else if (x + w > 24) {
    report.error(at, "gridPos is wider than the 24-column grid");
  }
  if (!Array.isArray(panel.targets) || panel.targets.length === 0) {
    report.error(at, "no query");
  }
  for (const target of panel.targets ?? []) {
    if (target.datasource?.uid !== undefined && target.datasource.uid !== DATASOURCE) {
      report.error(at, `query ${target.refId} uses another datasource`);
    }
    promqlProblems(target.expr ?? "", series).forEach((p) => report.error(`${at} query ${target.refId}`, p));
  }
  return panel.targets?.length ?? 0;
}

const PROMETHEUS_RULE_HEADER =
  "# Generated from deploy/prometheus/authcache.rules.yaml by `deploy/validate/run.sh --write`: edit that file, never\n"
  + "# this one (the validator fails while they differ). Select it from your Prometheus "
  + "(kube-prometheus-stack: add its\n"
  + "# release label in your kustomization).\n";

/** The PrometheusRule manifest the rules file renders to, as text. */
function renderPrometheusRule(rules) {
  const labels = { "app.kubernetes.io/name": "authcache", "app.kubernetes.io/part-of": "authcache" };
  const manifest = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "authcache", labels },
    spec: { groups: rules.groups },
  };
  return PROMETHEUS_RULE_HEADER + stringify(manifest, { lineWidth: 0 });
}

function promtool(args, cwd, where, report) {
  const run = spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 120_000 });
  if (run.error?.code === "ENOENT") {
    report.error(where, "promtool is not installed (Debian: apt-get install prometheus)");
  } else if (run.error || run.status !== 0) {
    report.error(where, `promtool ${args.join(" ")} failed:\n${(run.stdout + run.stderr).trim()}`);
  }
  return !run.error && run.status === 0;
}

/** Anchors of the Markdown headings of a file, as GitHub derives them. */
function headingAnchors(file) {
  return new Set([...readFileSync(file, "utf8").matchAll(/^#{1,6}\s+(.+?)\s*$/gm)]
    .map((m) => m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-")));
}

/**
 * The alert rules: `files` names the rules file, its promtool unit tests, the runbook and the generated
 * PrometheusRule; `external` the series of other exporters the rules may name. With `write` the PrometheusRule is
 * regenerated instead of compared.
 */
export function checkRules(files, series, external, report, { write = false } = {}) {
  const missing = [files.rules, files.tests, files.runbook].filter((file) => !existsSync(file));
  missing.forEach((file) => report.error(rel(file), "missing"));
  if (missing.length > 0) {
    return "prometheus rules: missing files";
  }
  const rules = parse(readFileSync(files.rules, "utf8")) ?? {};
  const tests = parse(readFileSync(files.tests, "utf8")) ?? {};
  const cwd = path.dirname(files.rules);
  const checked = promtool(["check", "rules", path.basename(files.rules)], cwd, rel(files.rules), report);
  const tested = promtool(["test", "rules", path.relative(cwd, files.tests)], cwd, rel(files.tests), report);
  const cases = new Map();
  for (const evaluation of (tests.tests ?? []).flatMap((test) => test.alert_rule_test ?? [])) {
    const seen = cases.get(evaluation.alertname) ?? { fires: 0, silent: 0 };
    (evaluation.exp_alerts ?? []).length > 0 ? seen.fires++ : seen.silent++;
    cases.set(evaluation.alertname, seen);
  }
  const anchors = headingAnchors(files.runbook);
  const names = new Set();
  for (const rule of (rules.groups ?? []).flatMap((group) => group.rules ?? [])) {
    const at = `${rel(files.rules)} ${rule.alert ? "alert" : "rule"} ${rule.alert ?? rule.record}`;
    promqlProblems(String(rule.expr ?? ""), series, external).forEach((p) => report.error(at, p));
    if (!rule.alert) {
      continue;
    }
    if (names.has(rule.alert)) {
      report.error(at, "defined twice");
    }
    names.add(rule.alert);
    checkAlert(rule, at, anchors, cases.get(rule.alert) ?? { fires: 0, silent: 0 }, rel(files.tests), report);
  }
  [...cases.keys()].filter((alert) => !names.has(alert)).forEach((alert) =>
    report.error(rel(files.tests), `tests alert ${alert}, which the rules do not define`));
  const rendered = renderPrometheusRule(rules);
  if (write) {
    writeFileSync(files.prometheusRule, rendered);
    report.note(`${rel(files.prometheusRule)} written from ${rel(files.rules)}`);
  } else if (!existsSync(files.prometheusRule) || readFileSync(files.prometheusRule, "utf8") !== rendered) {
    const fix = "run deploy/validate/run.sh --write";
    report.error(rel(files.prometheusRule), `out of date with ${rel(files.rules)}: ${fix}`);
  }
  return `prometheus rules: ${names.size} alerts, promtool check ${checked ? "passed" : "failed"}, `
    + `unit tests ${tested ? "passed" : "failed"}`;
}

function checkAlert(rule, at, anchors, seen, testsFile, report) {
  if (!["warning", "critical"].includes(rule.labels?.severity)) {
    report.error(at, "labels.severity must be warning or critical");
  }
  for (const annotation of ["summary", "description"].filter((a) => !rule.annotations?.[a])) {
    report.error(at, `annotations.${annotation} is required`);
  }
  const anchor = rule.alert.toLowerCase();
  if (rule.annotations?.runbook_url !== `docs/operations.md#${anchor}`) {
    report.error(at, `annotations.runbook_url must be docs/operations.md#${anchor}`);
  }
  if (!anchors.has(anchor)) {
    report.error(at, `docs/operations.md has no runbook entry (a heading "${rule.alert}")`);
  }
  if (seen.fires === 0 || seen.silent === 0) {
    report.error(at, `${testsFile} must evaluate it where it fires and where it stays silent `
      + `(has ${seen.fires} firing, ${seen.silent} silent)`);
  }
}
