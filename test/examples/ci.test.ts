/**
 * The CI recipes in examples/ci, run as written against a local metalforge server: each step's `run:` (GitHub
 * Actions) or each job's `before_script:` + `script:` (GitLab CI) with the environment the recipe declares, for a
 * change (diff) and then the main branch (deploy), with the state kept on the server. What a CI service provides
 * is filled in here: the values of secrets/variables, the event, the checkout (this repository). `uses:` steps
 * (checkout, setup-node, setup-terraform) are the runner's business, and `npm ci` is not run because the
 * dependencies are installed already (it would reinstall the shared node_modules); both are printed when skipped.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { createMetalClient, type MetalClient } from '../../lib/client';
import { createCloud, type Cloud } from '../../lib/cloud';
import { describeWithTerraform } from '../e2e/terraform-harness';

jest.setTimeout(1_800_000);

const ROOT = resolve(__dirname, '..', '..');
const SKIPPED_COMMANDS = new Set(['npm ci']);

interface Run {
  code: number;
  output: string;
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    // cdktf colours terraform's output even without a terminal.
    child.on('close', (code) =>
      resolveRun({ code: code ?? 1, output: output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '') }),
    );
  });
}

/** Every CI run starts from a fresh checkout: nothing synthesized or initialized is left from a previous one. */
function freshCheckout(stackDir: string): void {
  rmSync(join(ROOT, stackDir, 'cdktf.out'), { recursive: true, force: true });
}

/** The commands of a script, without the ones this test does not run (printed). */
function runnable(lines: string[]): string[] {
  return lines.filter((line) => {
    if (!SKIPPED_COMMANDS.has(line.trim())) return true;
    console.log(`not run (dependencies are installed already): ${line.trim()}`);
    return false;
  });
}

/** `a == 'b' && c == d` over a lookup of names; anything else fails the test, so the recipes stay checkable. */
function evaluateCondition(expression: string, value: (operand: string) => string): boolean {
  return expression.split('&&').every((clause) => {
    const match = /^\s*(\S+)\s*==\s*(\S+)\s*$/.exec(clause);
    if (!match) throw new Error(`cannot evaluate condition "${expression}"`);
    return value(match[1]) === value(match[2]);
  });
}

function literal(operand: string): string | undefined {
  const quoted = /^(['"])(.*)\1$/.exec(operand);
  return quoted ? quoted[2] : undefined;
}

interface GithubStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  'working-directory'?: string;
}

/** Runs the workflow's steps for one event; returns the output of the named steps that ran. */
async function runGithubWorkflow(
  file: string,
  context: Record<string, string>,
  overrides: Record<string, string>,
): Promise<Record<string, Run>> {
  freshCheckout(overrides.STACK_DIR);
  const workflow = parse(readFileSync(file, 'utf8')) as { env: Record<string, string>; jobs: Record<string, { steps: GithubStep[] }> };
  const expression = (text: string) =>
    text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
      if (!(name in context)) throw new Error(`the test has no value for \${{ ${name} }}`);
      return context[name];
    });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(workflow.env)) env[name] = overrides[name] ?? expression(String(value));
  for (const [name, value] of Object.entries(env)) context[`env.${name}`] = value;
  const results: Record<string, Run> = {};
  for (const job of Object.values(workflow.jobs)) {
    for (const step of job.steps) {
      if (step.uses) {
        console.log(`not run (the runner's setup): uses ${step.uses}`);
        continue;
      }
      if (step.if && !evaluateCondition(step.if, (operand) => literal(operand) ?? context[operand])) continue;
      const script = runnable(String(step.run).split('\n')).join('\n');
      if (!script.trim()) continue;
      const cwd = join(ROOT, step['working-directory'] ? expression(step['working-directory']) : '.');
      const result = await bash(script, cwd, { ...process.env, ...env });
      if (result.code !== 0) throw new Error(`step "${step.name}" exited ${result.code}:\n${result.output}`);
      results[step.name ?? script] = result;
    }
  }
  return results;
}

interface GitlabJob {
  stage?: string;
  script: string[];
  before_script?: string[];
  rules?: { if: string }[];
}

/** Runs the jobs of one pipeline whose rules match (before_script + script in one shell, as GitLab does). */
async function runGitlabPipeline(
  file: string,
  predefined: Record<string, string>,
  overrides: Record<string, string>,
): Promise<Record<string, Run>> {
  freshCheckout(overrides.STACK_DIR);
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown> & {
    default: { before_script: string[] };
    variables: Record<string, string>;
    stages: string[];
  };
  const env: Record<string, string> = { ...predefined };
  const expand = (text: string) => text.replace(/\$\{?(\w+)\}?/g, (_, name: string) => env[name] ?? '');
  for (const [name, value] of Object.entries(config.variables)) env[name] = overrides[name] ?? expand(String(value));
  const results: Record<string, Run> = {};
  const jobs = Object.entries(config).filter(([, job]) => typeof job === 'object' && job !== null && 'script' in job) as [
    string,
    GitlabJob,
  ][];
  for (const stage of config.stages) {
    for (const [name, job] of jobs.filter(([, j]) => j.stage === stage)) {
      const matches = (job.rules ?? []).some((rule) =>
        evaluateCondition(rule.if, (operand) => literal(operand) ?? env[operand.replace(/^\$/, '')] ?? ''),
      );
      if (!matches) continue;
      const script = runnable([...(job.before_script ?? config.default.before_script), ...job.script]).join('\n');
      const result = await bash(script, ROOT, { ...process.env, ...env });
      if (result.code !== 0) throw new Error(`job "${name}" exited ${result.code}:\n${result.output}`);
      results[name] = result;
    }
  }
  return results;
}

describeWithTerraform('CI recipes (examples/ci) against a local metalforge server', () => {
  let cloud: Cloud;
  let apiUrl: string;
  let admin: MetalClient;
  // A copy of an example (two levels down, like examples/<name>, for its relative imports), so this test's synth
  // and state do not meet other tests' runs of the same example.
  const stackDir = `.metalforge/ci-test-${process.pid}`;

  beforeAll(async () => {
    cloud = await createCloud({ simScale: 0.002, port: 0 });
    apiUrl = `${await cloud.listen()}/metal/v1`;
    admin = createMetalClient({ baseUrl: apiUrl, token: cloud.adminToken });
    mkdirSync(join(ROOT, stackDir), { recursive: true });
    for (const file of ['main.ts', 'cdktf.json']) copyFileSync(join(ROOT, 'examples', 'gpu-box', file), join(ROOT, stackDir, file));
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
    rmSync(join(ROOT, stackDir), { recursive: true, force: true });
  });

  /**
   * The values a user puts into the CI service's settings: a project for the state and a user key for the pipeline
   * (the example stack creates its own project, which a project key could not deploy into).
   */
  async function settings(name: string) {
    const project = await admin.projects.create({ name });
    const key = await admin.apiKeys.create({ description: `${name} pipeline` });
    return { projectId: project.id, token: key.token!, description: `${name} pipeline` };
  }

  async function expectStateOnServer(projectId: string, token: string, description: string) {
    const res = await fetch(`${apiUrl}/projects/${projectId}/terraform/state/gpu-box/versions`, { headers: { 'x-auth-token': token } });
    expect(res.status).toBe(200);
    const { versions } = (await res.json()) as { versions: { created_by: { description: string } }[] };
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((v) => v.created_by.description === description)).toBe(true);
  }

  const activeGpuDevices = async () => {
    const projects = await admin.listAll((page) => admin.projects.list({ page, per_page: 100 }));
    const devices = (
      await Promise.all(projects.map((p) => admin.listAll((page) => admin.devices.list(p.id, { page, per_page: 100 }))))
    ).flat();
    return devices.filter((d) => d.state === 'active' && (d.tags ?? []).includes('gpu'));
  };

  it('GitHub Actions: diff on a pull request, deploy on main, then the diff is empty', async () => {
    const { projectId, token, description } = await settings('github');
    const context = (event: string, ref: string): Record<string, string> => ({
      'vars.METAL_API_URL': apiUrl,
      'vars.METALFORGE_STATE_PROJECT': projectId,
      'secrets.METAL_AUTH_TOKEN': token,
      'github.workspace': ROOT,
      'github.event_name': event,
      'github.ref': ref,
    });
    const file = join(ROOT, 'examples', 'ci', 'github-actions.yml');
    const overrides = { STACK_DIR: stackDir };
    const before = (await activeGpuDevices()).length;

    const pr = await runGithubWorkflow(file, context('pull_request', 'refs/pull/1/merge'), overrides);
    expect(Object.keys(pr)).toEqual(['Synthesize the stack', "Install the provider from the project's mirror and lock it", 'Diff']);
    expect(pr.Diff.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect((await activeGpuDevices()).length).toBe(before);

    const main = await runGithubWorkflow(file, context('push', 'refs/heads/main'), overrides);
    expect(Object.keys(main)).toContain('Deploy');
    expect(Object.keys(main)).not.toContain('Diff');
    expect((await activeGpuDevices()).length).toBe(before + 1);
    await expectStateOnServer(projectId, token, description);

    // Another runner (nothing local survives between CI runs): the state on the server says all is applied.
    const again = await runGithubWorkflow(file, context('pull_request', 'refs/pull/2/merge'), overrides);
    expect(again.Diff.output).toMatch(/No changes/);
  });

  it('GitLab CI: diff in a merge request pipeline, deploy on the default branch, then the diff is empty', async () => {
    const { projectId, token, description } = await settings('gitlab');
    const predefined = (source: string, branch?: string): Record<string, string> => ({
      METAL_API_URL: apiUrl,
      METALFORGE_STATE_PROJECT: projectId,
      METAL_AUTH_TOKEN: token,
      CI_PROJECT_DIR: ROOT,
      CI_PIPELINE_SOURCE: source,
      CI_DEFAULT_BRANCH: 'main',
      ...(branch ? { CI_COMMIT_BRANCH: branch } : {}),
    });
    const file = join(ROOT, 'examples', 'ci', 'gitlab-ci.yml');
    const overrides = { STACK_DIR: stackDir };
    const before = (await activeGpuDevices()).length;

    const mr = await runGitlabPipeline(file, predefined('merge_request_event'), overrides);
    expect(Object.keys(mr)).toEqual(['diff']);
    expect(mr.diff.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);

    const main = await runGitlabPipeline(file, predefined('push', 'main'), overrides);
    expect(Object.keys(main)).toEqual(['deploy']);
    expect((await activeGpuDevices()).length).toBe(before + 1);
    await expectStateOnServer(projectId, token, description);

    const again = await runGitlabPipeline(file, predefined('merge_request_event'), overrides);
    expect(again.diff.output).toMatch(/No changes/);
  });
});
