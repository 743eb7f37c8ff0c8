/**
 * What the face records and announces when a machine's power or boot changes: a SEL-like log per machine
 * (LogServices/SEL) and Redfish event subscriptions (EventService) that get each event POSTed to their Destination,
 * retried a bounded number of times, the way BMCs push alerts to a listener.
 */
import { Json, ROOT, systemPath } from './resources';

export const SUBSCRIPTIONS_PATH = `${ROOT}/EventService/Subscriptions`;

/** The SEL wraps beyond this many entries, as a BMC's does. */
const SEL_CAPACITY = 1000;
const DELIVERY_ATTEMPTS = 3;
const DELIVERY_TIMEOUT_MS = 5000;

export interface MachineEvent {
  machineId: string;
  messageId: string;
  message: string;
  /** The IPMI-style sensor the SEL entry names. */
  sensorType: 'System ACPI PowerState' | 'System Boot/Restart Initiated';
  severity: 'OK' | 'Warning';
  created: Date;
}

/** Redfish messages for a machine's changes: the DMTF ResourceEvent registry for power, an OEM one for boots. */
export const EVENT_MESSAGES = {
  poweredOn: (id: string) => ({
    messageId: 'ResourceEvent.1.3.ResourcePoweredOn',
    message: `The resource ${systemPath(id)} has powered on.`,
  }),
  poweredOff: (id: string) => ({
    messageId: 'ResourceEvent.1.3.ResourcePoweredOff',
    message: `The resource ${systemPath(id)} has powered off.`,
  }),
  booted: (id: string, target: string) => ({
    messageId: 'Metalforge.1.0.SystemBooted',
    message: `The system ${systemPath(id)} booted from ${target}.`,
  }),
} as const;

interface LoggedEvent extends MachineEvent {
  id: string;
}

/** One SEL per machine, numbered from 1; ClearLog empties it and numbering goes on. */
export class SystemEventLog {
  private readonly entries: LoggedEvent[] = [];
  private counter = 0;

  add(event: MachineEvent): void {
    this.entries.push({ ...event, id: String(++this.counter) });
    if (this.entries.length > SEL_CAPACITY) this.entries.shift();
  }

  clear(): void {
    this.entries.length = 0;
  }

  ids(): string[] {
    return this.entries.map((e) => e.id);
  }

  entry(id: string, path: string): Json | undefined {
    const event = this.entries.find((e) => e.id === id);
    if (!event) return undefined;
    return {
      '@odata.id': `${path}/${id}`,
      '@odata.type': '#LogEntry.v1_9_0.LogEntry',
      Id: id,
      Name: `Log Entry ${id}`,
      EntryType: 'SEL',
      EntryCode: 'Assert',
      SensorType: event.sensorType,
      Created: event.created.toISOString(),
      Severity: event.severity,
      Message: event.message,
      MessageId: event.messageId,
      Links: { OriginOfCondition: { '@odata.id': systemPath(event.machineId) } },
    };
  }
}

export interface Subscription {
  id: string;
  /** The BMC (account group) whose machines' events it receives. */
  group: string;
  destination: string;
  context: string;
  eventTypes: string[];
}

export const EVENT_TYPES = ['Alert', 'StatusChange'] as const;

export class EventSubscriptions {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly inFlight = new Set<AbortController>();
  private counter = 0;
  private eventCounter = 0;
  private closed = false;

  constructor(private readonly retryIntervalMs: number) {}

  /** A new subscription, or a reason naming the field when the request is not acceptable. */
  create(group: string, body: Json): Subscription | string {
    const destination = body.Destination;
    if (typeof destination !== 'string' || !/^https?:\/\//.test(destination)) return 'Destination must be an http:// or https:// URL';
    try {
      new URL(destination);
    } catch {
      return 'Destination must be an http:// or https:// URL';
    }
    if (body.Protocol !== undefined && body.Protocol !== 'Redfish') return 'Protocol must be Redfish';
    const eventTypes = body.EventTypes ?? [];
    if (!Array.isArray(eventTypes) || eventTypes.some((t) => !(EVENT_TYPES as readonly unknown[]).includes(t)))
      return `EventTypes must list only ${EVENT_TYPES.join(', ')}`;
    const subscription: Subscription = {
      id: String(++this.counter),
      group,
      destination,
      context: typeof body.Context === 'string' ? body.Context : '',
      eventTypes: eventTypes as string[],
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  of(group: string): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.group === group);
  }

  delete(id: string): boolean {
    return this.subscriptions.delete(id);
  }

  static body(subscription: Subscription): Json {
    return {
      '@odata.id': `${SUBSCRIPTIONS_PATH}/${subscription.id}`,
      '@odata.type': '#EventDestination.v1_7_0.EventDestination',
      Id: subscription.id,
      Name: `Event subscription ${subscription.id}`,
      Destination: subscription.destination,
      Context: subscription.context,
      Protocol: 'Redfish',
      EventTypes: subscription.eventTypes,
      SubscriptionType: 'RedfishEvent',
    };
  }

  /** Sends a machine's event to its BMC's subscribers. */
  publish(group: string, event: MachineEvent): void {
    this.send(group, { ...event, eventType: 'Alert', origin: systemPath(event.machineId) });
  }

  /** EventService.SubmitTestEvent: the caller's event, as given, to the group's subscribers; a reason when malformed. */
  submitTest(group: string, body: Json): string | undefined {
    const eventType = body.EventType ?? 'Alert';
    if (!(EVENT_TYPES as readonly unknown[]).includes(eventType)) return `EventType must be one of ${EVENT_TYPES.join(', ')}`;
    if (typeof body.MessageId !== 'string' || body.MessageId === '') return 'MessageId is required (a registry message id)';
    this.send(group, {
      eventType: eventType as string,
      messageId: body.MessageId,
      message: typeof body.Message === 'string' ? body.Message : '',
      severity: typeof body.Severity === 'string' ? body.Severity : 'OK',
      created: new Date(),
      origin: typeof body.OriginOfCondition === 'string' ? body.OriginOfCondition : undefined,
    });
    return undefined;
  }

  /** POSTs the event to every subscription of the group (failures are retried, then dropped like a BMC drops them). */
  private send(
    group: string,
    event: { eventType: string; messageId: string; message: string; severity: string; created: Date; origin?: string },
  ): void {
    if (this.closed) return;
    const eventId = String(++this.eventCounter);
    for (const subscription of this.of(group)) {
      if (subscription.eventTypes.length > 0 && !subscription.eventTypes.includes(event.eventType)) continue;
      const payload = JSON.stringify({
        '@odata.type': '#Event.v1_4_0.Event',
        Id: eventId,
        Name: 'Event Array',
        Context: subscription.context,
        Events: [
          {
            EventType: event.eventType,
            EventId: eventId,
            EventTimestamp: event.created.toISOString(),
            Severity: event.severity,
            Message: event.message,
            MessageId: event.messageId,
            ...(event.origin ? { OriginOfCondition: { '@odata.id': event.origin } } : {}),
          },
        ],
      });
      void this.deliver(subscription.destination, payload);
    }
  }

  /** Stops delivering: aborts requests in flight and pending retries. */
  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
  }

  private async deliver(destination: string, payload: string): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS && !controller.signal.aborted; attempt++) {
        try {
          const res = await fetch(destination, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: payload,
            signal: AbortSignal.any([controller.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
          });
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // unreachable, timed out or aborted: retried below unless the face is closing
        }
        if (attempt < DELIVERY_ATTEMPTS) await sleep(this.retryIntervalMs, controller.signal);
      }
    } finally {
      this.inFlight.delete(controller);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
