#!/usr/bin/env node
/**
 * Run after `npm install` changes package-lock.json. The npm registry reachable from our build machines
 * serves only the Linux builds of platform-specific packages (e.g. @next/swc-darwin-arm64 is a 404), so
 * npm leaves those optional packages out of the lock file and `npm ci` then refuses it as out of sync.
 * This adds a stub entry (version, os, cpu) for each missing optional dependency; npm skips them on
 * Linux as it would anyway, and a macOS or Windows checkout resolves them from the public registry.
 */
import { readFileSync, writeFileSync } from "node:fs";

const OSES = ["darwin", "win32", "android", "freebsd", "openbsd", "netbsd", "sunos", "aix"];
const CPUS = ["arm64", "x64", "ia32", "arm", "riscv64", "ppc64", "s390x", "loong64", "mips64el"];

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;
let added = 0;
for (const meta of Object.values(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const base = name.split("/").at(-1);
    const entry = { version: spec.replace(/^[\^~]/, ""), optional: true };
    if (meta.dev) entry.dev = true;
    const os = OSES.filter((o) => base.includes(o));
    if (os.length) entry.os = os;
    if (base.includes("musl")) entry.libc = ["musl"];
    const cpu = CPUS.find((c) => new RegExp(`(^|-)${c}($|-)`).test(base));
    if (cpu) entry.cpu = [cpu];
    packages[key] = entry;
    added++;
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.info(`complete-lockfile: added ${added} stub entr${added === 1 ? "y" : "ies"}`);
