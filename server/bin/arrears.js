#!/usr/bin/env node
// Plain JavaScript on purpose: it must run (and explain itself) on an old Node before any
// TypeScript is loaded. Node 22.18+ strips types natively; the project pins Node 24.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `arrears needs Node.js 22.18 or newer (this is ${process.versions.node}).\n` +
      `Run it through npm, which uses the project's pinned Node 24: npm run arrears -- <command>\n`,
  );
  process.exit(1);
}
await import('../src/main.ts');
