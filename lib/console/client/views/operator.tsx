/**
 * The operator's view (admin token): machines per facility with their states and the health of their BMCs, and one
 * facility's machines in detail. Other tokens get the API's refusal, said plainly.
 */
import { allPages } from '../api';
import { link } from '../router';
import type { Machine } from '../types';
import { ErrorLine, Loading, useLoad } from './common';

/** The machine states, in the order the summary shows them. */
const STATES = ['available', 'allocated', 'enrolling', 'maintenance', 'failed'] as const;

/** What a machine's state says about its BMC: machines reach those states through their BMC checks. */
const BMC_HEALTH: Record<string, { text: string; healthy: boolean }> = {
  enrolling: { text: 'being verified', healthy: true },
  available: { text: 'answers', healthy: true },
  allocated: { text: 'answers', healthy: true },
  maintenance: { text: 'needs an operator (deprovisioned past a BMC failure)', healthy: false },
  failed: { text: 'does not answer (verification failed)', healthy: false },
};

export function Operator({ facility }: { facility?: string }) {
  const machines = useLoad('operator-machines', (signal) => allPages<Machine>('/operator/machines', 'machines', () => undefined, signal));
  const byFacility = new Map<string, Machine[]>();
  for (const machine of machines.data ?? []) byFacility.set(machine.facility, [...(byFacility.get(machine.facility) ?? []), machine]);
  const facilities = [...byFacility.keys()].sort();
  const shown = facility ? (byFacility.get(facility) ?? []) : [];
  return (
    <section aria-labelledby="operator-title">
      <h1 id="operator-title">{facility ? `Machines in ${facility}` : 'Machines per facility'}</h1>
      {machines.error !== undefined && <ErrorLine error={machines.error} />}
      {!machines.data && machines.error === undefined && <Loading what="machines" />}
      {machines.data && !facility && (
        <table data-testid="facilities">
          <thead>
            <tr>
              <th scope="col">Facility</th>
              <th scope="col">Machines</th>
              {STATES.map((state) => (
                <th scope="col" key={state}>
                  {state}
                </th>
              ))}
              <th scope="col">Unhealthy BMCs</th>
            </tr>
          </thead>
          <tbody>
            {facilities.map((code) => {
              const list = byFacility.get(code)!;
              return (
                <tr key={code}>
                  <td>
                    <a href={link.operator(code)}>{code}</a>
                  </td>
                  <td>{list.length}</td>
                  {STATES.map((state) => (
                    <td key={state}>{list.filter((m) => m.state === state).length}</td>
                  ))}
                  <td>{list.filter((m) => BMC_HEALTH[m.state]?.healthy === false).length}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {machines.data && facility && (
        <>
          <p class="crumbs">
            <a href={link.operator()}>← All facilities</a>
          </p>
          {shown.length === 0 ? (
            <p>No machines in {facility}.</p>
          ) : (
            <table data-testid="machines">
              <thead>
                <tr>
                  <th scope="col">Machine</th>
                  <th scope="col">Plan</th>
                  <th scope="col">State</th>
                  <th scope="col">BMC</th>
                  <th scope="col">BMC health</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((machine) => (
                  <tr key={machine.id}>
                    <td>{machine.name}</td>
                    <td>{machine.plan}</td>
                    <td>{machine.state}</td>
                    <td>
                      {machine.bmc.driver} {machine.bmc.address}
                    </td>
                    <td class={BMC_HEALTH[machine.state]?.healthy === false ? 'error' : undefined}>
                      {BMC_HEALTH[machine.state]?.text ?? 'unknown'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
