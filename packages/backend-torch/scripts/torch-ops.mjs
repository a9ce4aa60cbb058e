#!/usr/bin/env node
// Reviews the TORCH backend's safe-op policy (src/op-policy.ts) against what the libtorch it is
// built with registers: every operator, prim:: node kind and custom class. Run after `pnpm build`:
//   node scripts/torch-ops.mjs            a summary, the refused operators, and the aten
//                                         operators that take a string (those that could name a
//                                         file: the deny-list is reviewed against them)
//   node scripts/torch-ops.mjs --all      also every registered operator schema
// Exits 1 when the registry holds something the policy's lists do not classify.
import { addon } from '../dist/src/addon.js';
import { reviewRegistry } from '../dist/src/op-review.js';

const registry = addon.registry();
const review = reviewRegistry(registry);
const out = (line = '') => process.stdout.write(`${line}\n`);

out(`libtorch ${addon.version}: ${review.operatorCount} operator schemas, ${registry.nodeKinds.length} prim:: node kinds`);
out(`\nrefused (${review.refused.length}):`);
for (const [op, why] of review.refused) out(`  ${op}: ${why}`);
out(`\naten operators taking a str (${review.atenWithStrings.length}), for the deny-list's review:`);
out(`  ${review.atenWithStrings.join(' ')}`);
if (process.argv.includes('--all')) {
  out('\nall operator schemas:');
  for (const schema of registry.operators) out(`  ${schema}`);
}
if (review.unclassified.length > 0) {
  out(`\nNOT CLASSIFIED by src/op-policy.ts (${review.unclassified.length}): ${review.unclassified.join(' ')}`);
  process.exit(1);
}
out('\nevery registered operator, node kind, namespace and custom class is classified');
