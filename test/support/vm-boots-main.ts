/** The child process of runVmBootsInServerNamespace (test/support/vm-boots.ts). */
import { runVmBootsChild } from './vm-boots';

runVmBootsChild().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
