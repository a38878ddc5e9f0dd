// The Dockerfiles of the hosts: multi-stage from Microsoft's .NET images, a restore layer that copies every project of
// the ProjectReference closure and the root build files, the published assembly as entry point, a non-root user.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { rel } from "./report.mjs";

const ROOT_BUILD_FILES = [
  "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props",
  "NuGet.config", "nuget.config", "NuGet.Config", "global.json",
];

function referenceClosure(csproj, seen = new Set()) {
  if (!seen.has(csproj)) {
    seen.add(csproj);
    if (existsSync(csproj)) {
      for (const m of readFileSync(csproj, "utf8").matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) {
        referenceClosure(path.resolve(path.dirname(csproj), m[1].replaceAll("\\", "/")), seen);
      }
    }
  }
  return seen;
}

function assemblyName(csproj) {
  const m = /<AssemblyName>([^<]+)<\/AssemblyName>/.exec(readFileSync(csproj, "utf8"));
  return m ? m[1].trim() : path.basename(csproj, ".csproj");
}

/** The build stages of a Dockerfile, each with its FROM and instructions (continuation lines joined). */
function stagesOf(text) {
  const stages = [];
  for (const line of text.replace(/\\\r?\n/g, " ").split(/\r?\n/).map((l) => l.trim())) {
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m || line.startsWith("#")) {
      continue;
    }
    const instruction = { instruction: m[1].toUpperCase(), args: m[2] };
    if (instruction.instruction === "FROM") {
      stages.push({ from: instruction.args, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** Every `*.Dockerfile` of `dir`, whose build context is `repo`. */
export function checkDockerfiles(dir, repo, report) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".Dockerfile") || f === "Dockerfile");
  files.forEach((name) => checkDockerfile(path.join(dir, name), repo, report));
  return `dockerfiles: ${files.length} checked`;
}

function checkDockerfile(file, repo, report) {
  const where = rel(file);
  if (!existsSync(`${file}.dockerignore`)) {
    report.error(where, `no ${path.basename(file)}.dockerignore next to it: bin/ and obj/ of the work tree would `
      + "enter the build context");
  }
  const stages = stagesOf(readFileSync(file, "utf8"));
  if (stages.length < 2) {
    report.error(where, "expected a multi-stage build (SDK build stage, runtime stage)");
    return;
  }
  if (!/mcr\.microsoft\.com\/dotnet\/sdk:/.test(stages[0].from)) {
    report.error(where, `the build stage should start FROM mcr.microsoft.com/dotnet/sdk, not ${stages[0].from}`);
  }
  const final = stages.at(-1).instructions;
  if (!/mcr\.microsoft\.com\/dotnet\/aspnet:/.test(stages.at(-1).from)) {
    const from = stages.at(-1).from;
    report.error(where, `the runtime stage should start FROM mcr.microsoft.com/dotnet/aspnet, not ${from}`);
  }
  const user = final.filter((i) => i.instruction === "USER").at(-1)?.args;
  if (!user || /^(root|0)(:|$)/.test(user)) {
    report.error(where, "the runtime stage must end with a non-root USER ($APP_UID)");
  }
  if (!final.some((i) => i.instruction === "ENV" && /ASPNETCORE_HTTP_PORTS=8080/.test(i.args))) {
    report.error(where, "the runtime stage should set ASPNETCORE_HTTP_PORTS=8080 (the probes' and Services' port)");
  }
  // The restore layer: the COPYs before the first `dotnet restore` of the build stage.
  const build = stages[0].instructions;
  const restoreIndex = build.findIndex((i) => i.instruction === "RUN" && /dotnet restore\s+\S+\.csproj/.test(i.args));
  if (restoreIndex < 0) {
    report.error(where, "no `RUN dotnet restore <project>.csproj` layer before the sources are copied");
    return;
  }
  const project = /dotnet restore\s+(\S+\.csproj)/.exec(build[restoreIndex].args)[1];
  const projectFile = path.resolve(repo, project);
  if (!existsSync(projectFile)) {
    report.error(where, `restores ${project}, which does not exist`);
    return;
  }
  const copied = new Set();
  for (const ins of build.slice(0, restoreIndex).filter((i) => i.instruction === "COPY")) {
    const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith("--"));
    const destination = parts.pop();
    if (!destination.endsWith("/") && parts.length > 1) {
      report.error(where, "COPY of several files needs a destination directory ending in \"/\"");
    }
    for (const source of parts) {
      if (!existsSync(path.resolve(repo, source))) {
        report.error(where, `COPY ${source}: no such file in the build context (the repository root)`);
      }
      copied.add(path.resolve(repo, source));
    }
  }
  for (const csproj of [...referenceClosure(projectFile)].filter((p) => !copied.has(p))) {
    report.error(where, `the restore layer does not copy ${rel(csproj)}, referenced by ${project}: restore would fail`);
  }
  for (const buildFile of ROOT_BUILD_FILES.filter((f) => existsSync(path.join(repo, f)))) {
    if (!copied.has(path.join(repo, buildFile))) {
      report.error(where, `the restore layer does not copy ${buildFile} (it changes how every project restores)`);
    }
  }
  const publish = new RegExp(`dotnet publish\\s+${project.replaceAll(".", "\\.")}`);
  if (!build.some((i) => i.instruction === "RUN" && publish.test(i.args))) {
    report.error(where, `no \`dotnet publish ${project}\` in the build stage`);
  }
  const entrypoint = final.filter((i) => i.instruction === "ENTRYPOINT").at(-1)?.args ?? "";
  const dll = `${assemblyName(projectFile)}.dll`;
  if (!entrypoint.includes(`"${dll}"`)) {
    report.error(where, `ENTRYPOINT should run ${dll} (the assembly of ${project}), found ${entrypoint || "none"}`);
  }
}
