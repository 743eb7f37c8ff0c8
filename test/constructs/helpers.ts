import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { MetalProject, MetalProvider, MetalValidationError } from '../../lib/constructs';

/** A stack with the metal provider and a project, as most tests need. */
export function stackWithProject(context?: Record<string, unknown>): { stack: TerraformStack; project: MetalProject } {
  const app = Testing.app({ context });
  const stack = new TerraformStack(app, 'test');
  new MetalProvider(stack, 'metal');
  const project = new MetalProject(stack, 'project');
  return { stack, project };
}

/** The synthesized stack as an object. */
export function synthObject(stack: TerraformStack): Record<string, Record<string, Record<string, Record<string, unknown>>>> {
  return JSON.parse(Testing.synth(stack));
}

/** Runs fn, expecting one MetalValidationError whose problems contain each fragment (in any order). */
export function expectProblems(fn: () => unknown, fragments: string[], count = fragments.length): MetalValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MetalValidationError);
  const error = caught as MetalValidationError;
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  expect(error.problems).toHaveLength(count);
  return error;
}

let outputs = 0;
/** What a token resolves to in the synthesized JSON (read back through an output). */
export function resolved(stack: TerraformStack, value: unknown): unknown {
  const id = `resolved_${++outputs}`;
  new TerraformOutput(stack, id, { value });
  return (JSON.parse(Testing.synth(stack)).output as Record<string, { value: unknown }>)[id].value;
}
