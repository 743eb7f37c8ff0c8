/**
 * Early validation shared by the constructs: every problem of one construct is collected and thrown as one
 * error, each naming the bad value and the fix. Values known only at deploy time (tokens) are skipped.
 */
import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';

export class MetalValidationError extends Error {
  constructor(
    public readonly constructPath: string,
    public readonly problems: readonly string[],
  ) {
    super(
      `${constructPath}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` + problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'MetalValidationError';
  }
}

/** Collects problems; throw() raises them together. */
export class Problems {
  private readonly list: string[] = [];

  public add(problem: string): void {
    this.list.push(problem);
  }

  public get count(): number {
    return this.list.length;
  }

  /** Throws one MetalValidationError about the subject when any problem was added. */
  public throwIfAny(subject: string): void {
    if (this.list.length > 0) throw new MetalValidationError(subject, this.list);
  }
}

/** "BareMetalDevice stack/web" — the kind and path of a construct being created. */
export function subject(kind: string, scope: IConstruct, id: string): string {
  const parent = scope.node.path;
  return `${kind} ${parent ? `${parent}/` : ''}${id}`;
}

/** True when the value is set and known at synth time (not a token resolved at deploy time). */
export function known<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}

export function quote(value: unknown): string {
  return JSON.stringify(value);
}

const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

/** RFC 1123 hostname check; returns a problem naming the bad part and a fixed hostname, or undefined. */
export function hostnameProblem(hostname: string): string | undefined {
  const labels = hostname.split('.');
  const bad = labels.find((l) => l.length === 0 || l.length > 63 || !LABEL.test(l));
  if (hostname.length <= 253 && bad === undefined) return undefined;
  const reason =
    hostname.length > 253
      ? `is ${hostname.length} characters long (at most 253)`
      : bad!.length > 63
        ? `has a label of ${bad!.length} characters (at most 63 per label)`
        : bad!.length === 0
          ? 'has an empty label'
          : `has label ${quote(bad)} with characters other than letters, digits and inner hyphens`;
  return `hostname ${quote(hostname)} ${reason}; use RFC 1123 labels, e.g. ${quote(sanitizeHostname(hostname))}`;
}

/** A valid hostname close to the given text (used in fixes and to derive hostnames from construct ids). */
export function sanitizeHostname(text: string): string {
  const labels = text
    .toLowerCase()
    .split('.')
    .map((l) =>
      l
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, ''),
    )
    .filter(Boolean);
  return (labels.length ? labels.join('.') : 'device').slice(0, 253);
}

/** Checks an optional number is ≥ 0 (or > 0); a problem names the field and value. */
export function checkNonNegative(problems: Problems, field: string, value: number | undefined, strict = false): void {
  if (!known(value)) return;
  if (!Number.isFinite(value) || value < 0 || (strict && value === 0)) {
    problems.add(`${field} is ${value}; it must be a number ${strict ? 'greater than 0' : 'of 0 or more'}`);
  }
}

/** The problems of tags: empty ones and ones listed twice. */
export function tagProblems(tags: readonly string[] | undefined): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    if (!known(tag)) continue;
    if (tag.trim() === '') problems.push('tags contains an empty tag; remove it');
    else if (seen.has(tag)) problems.push(`tag ${quote(tag)} is listed twice; list it once`);
    seen.add(tag);
  }
  return problems;
}
