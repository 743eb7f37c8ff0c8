import { Construct } from 'constructs';
import { MetalProvider as MetalProviderL1 } from '../gen/providers/metal/provider';
import { checkNonNegative, known, Problems, quote, subject } from './validation';

export interface MetalProviderProps {
  /**
   * The Metal API base URL.
   * @default - the provider reads METAL_API_URL when it runs, else http://127.0.0.1:8080/metal/v1
   */
  readonly apiUrl?: string;
  /**
   * The API token. Prefer leaving it unset: a token given here is written into cdk.tf.json.
   * @default - the provider reads METAL_AUTH_TOKEN when it runs
   */
  readonly authToken?: string;
  /**
   * Retries of a request failing with 429, 5xx or a network error.
   * @default - 10
   */
  readonly maxRetries?: number;
  /**
   * The longest wait between retries, in seconds.
   * @default - 30
   */
  readonly maxRetryWaitSeconds?: number;
  /**
   * The timeout of one HTTP request, in seconds.
   * @default - 30
   */
  readonly requestTimeout?: number;
  /**
   * An alias, for a second provider configuration in the same stack.
   * @default - the default provider configuration
   */
  readonly alias?: string;
}

/**
 * The metalforge provider configuration. With no props the synthesized block is empty and the provider takes
 * api_url and auth_token from METAL_API_URL / METAL_AUTH_TOKEN at deploy time, so one stack deploys against any
 * metalforge server and no secret lands in cdk.tf.json.
 */
export class MetalProvider extends Construct {
  /** The L1 provider, for options this construct does not cover. */
  public readonly provider: MetalProviderL1;

  constructor(scope: Construct, id: string, props: MetalProviderProps = {}) {
    super(scope, id);
    const problems = new Problems();
    if (known(props.apiUrl) && !/^https?:\/\/[^/\s]+/.test(props.apiUrl)) {
      problems.add(`apiUrl ${quote(props.apiUrl)} is not an http(s) URL; use e.g. "http://127.0.0.1:8080/metal/v1"`);
    }
    checkNonNegative(problems, 'maxRetries', props.maxRetries);
    checkNonNegative(problems, 'maxRetryWaitSeconds', props.maxRetryWaitSeconds, true);
    checkNonNegative(problems, 'requestTimeout', props.requestTimeout, true);
    problems.throwIfAny(subject('MetalProvider', scope, id));
    this.provider = new MetalProviderL1(this, 'metal', props);
  }
}
