/**
 * A package-lock.json for a fresh "user project" that depends on the packed agenttrace tarball (plus extra packages
 * such as `openai`), derived from this repo's own lock. With it, `npm ci --offline` installs the project from the npm
 * cache alone: every entry carries its registry `resolved` URL and `integrity`, so npm needs no registry metadata
 * (packuments), which `npm ci` of this repo never put in the cache. Versions are exactly the ones this repo installed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

interface LockEntry {
  version: string;
  name?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface RepoPackage {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
}

const REGISTRY = 'https://registry.npmjs.org/';

/**
 * Writes package.json and package-lock.json into `project`: devDependencies agenttrace (the tarball, by a relative
 * `file:` spec, as `npm i -D ./agenttrace-x.tgz` would) and `extra` (names installed in the repo, at their versions).
 */
export function writeProjectWithLock(repo: string, tarball: string, project: string, extra: string[]): void {
  const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const own = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as RepoPackage;
  const all = lock.packages;
  const closure = new Map<string, LockEntry>();

  // Node's lookup over lock paths: the nearest node_modules/<name> from `from` up to the root.
  const find = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const key = `${base ? base + '/' : ''}node_modules/${name}`;
      if (all[key]) return key;
      if (!base) return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const visit = (key: string | undefined, name: string, from: string): void => {
    if (!key) throw new Error(`${name} (needed by ${from || 'the project'}) is not in ${repo}/package-lock.json`);
    if (closure.has(key)) return;
    const e = all[key];
    closure.set(key, e);
    const required = { ...e.dependencies };
    for (const peer of Object.keys(e.peerDependencies ?? {})) if (!e.peerDependenciesMeta?.[peer]?.optional) required[peer] = '*';
    for (const dep of Object.keys(required)) visit(find(key, dep), dep, key);
    // Optional dependencies (platform builds of esbuild, …) come along when the repo has them.
    for (const dep of Object.keys(e.optionalDependencies ?? {})) {
      const k = find(key, dep);
      if (k) visit(k, dep, key);
    }
  };
  for (const dep of [...Object.keys(own.dependencies), ...extra]) visit(find('', dep), dep, '');

  const spec = `file:${path.relative(project, tarball)}`;
  const devDependencies: Record<string, string> = { agenttrace: spec };
  for (const dep of extra) devDependencies[dep] = all[`node_modules/${dep}`].version;
  const packages: Record<string, unknown> = {
    '': { name: 'my-agent', devDependencies },
    'node_modules/agenttrace': {
      version: own.version,
      resolved: spec,
      integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      dev: true,
      license: own.license,
      dependencies: own.dependencies,
      bin: own.bin,
      engines: own.engines,
    },
  };
  for (const [key, e] of closure) {
    const entry: LockEntry = { ...e };
    delete entry.devOptional;
    delete entry.peer;
    entry.dev = true;
    const name = e.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved ??= `${REGISTRY}${name}/-/${name.split('/').pop() ?? name}-${e.version}.tgz`;
    packages[key] = entry;
  }
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-agent', private: true, type: 'module', devDependencies }, null, 2) + '\n');
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: 'my-agent', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n');
}
