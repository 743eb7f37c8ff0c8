/**
 * Runs the real terraform CLI with the project's own CLI config (filesystem mirror for terraform-provider-metal,
 * no update checks), streaming its output.
 */
import { spawn } from 'node:child_process';
import { terraformEnv } from '../provider/install';

export interface TerraformRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TerraformOptions {
  cwd: string;
  projectDir: string;
  env?: Record<string, string>;
  /** Called with each output line (stdout and stderr). */
  onLine?: (line: string) => void;
}

export function terraform(args: string[], options: TerraformOptions): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, {
      cwd: options.cwd,
      env: { ...process.env, ...terraformEnv(options.projectDir), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const lines = (chunk: Buffer, sink: (s: string) => void) => {
      const text = chunk.toString();
      sink(text);
      if (options.onLine) for (const line of text.split('\n')) if (line.trim()) options.onLine(line);
    };
    child.stdout.on('data', (c: Buffer) => lines(c, (s) => (stdout += s)));
    child.stderr.on('data', (c: Buffer) => lines(c, (s) => (stderr += s)));
    child.on('error', (err) => reject(new Error(`could not run terraform (${err.message}); install Terraform ≥ 1.5 and put it on PATH`)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
