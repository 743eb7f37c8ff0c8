/**
 * The spot market: the current price of every plan in every metro, one pool's price history as a chart, and (with a
 * project) that project's requests with their devices and termination notices.
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { link } from '../router';
import type { SpotPrices, SpotRequest } from '../types';
import { ErrorLine, Loading, Section, money, useLazy, useLoad, when } from './common';
import type { Datapoint } from './price-chart';

/** How far back the chart looks. */
const HISTORY_DAYS = 7;

export function SpotMarket({ project }: { project?: string }) {
  const prices = useLoad('spot-prices', (signal) =>
    get<{ spot_market_prices: SpotPrices }>('/market/spot/prices/metros', signal).then((a) => a.spot_market_prices),
  );
  const [pool, setPool] = useState<{ metro: string; plan: string }>();
  const data = prices.data;
  const metros = data ? Object.keys(data).sort() : [];
  const plans = data ? [...new Set(Object.values(data).flatMap((byPlan) => Object.keys(byPlan)))].sort() : [];
  const chosen = pool ?? (metros.length ? { metro: metros[0], plan: Object.keys(data![metros[0]]).sort()[0] } : undefined);

  return (
    <section aria-labelledby="spot-title">
      <h1 id="spot-title">Spot market</h1>
      {prices.error !== undefined && <ErrorLine error={prices.error} />}
      {!data && prices.error === undefined && <Loading what="spot prices" />}
      {data && (
        <>
          <Section title="Prices per metro and plan">
            <div class="wide">
              <table>
                <caption class="visually-hidden">Current spot price per hour, by metro (rows) and plan (columns)</caption>
                <thead>
                  <tr>
                    <th scope="col">Metro</th>
                    {plans.map((plan) => (
                      <th scope="col" key={plan}>
                        {plan}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {metros.map((metro) => (
                    <tr key={metro}>
                      <th scope="row">{metro}</th>
                      {plans.map((plan) => (
                        <td key={plan}>
                          {data[metro][plan] ? (
                            <button
                              type="button"
                              class="link"
                              aria-pressed={chosen?.metro === metro && chosen.plan === plan}
                              onClick={() => setPool({ metro, plan })}
                            >
                              {money(data[metro][plan].price)}
                              <span class="visually-hidden">
                                {' '}
                                {plan} in {metro}: show its history
                              </span>
                            </button>
                          ) : (
                            '—'
                          )}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
          {chosen && <History metro={chosen.metro} plan={chosen.plan} />}
        </>
      )}
      {project ? <Requests project={project} /> : <p>Open a project's spot requests from the project list.</p>}
    </section>
  );
}

function History({ metro, plan }: { metro: string; plan: string }) {
  const [history, setHistory] = useState<{ points: Datapoint[]; from: number; until: number }>();
  const [error, setError] = useState<unknown>();
  const chart = useLazy(() => import('./price-chart'));
  useEffect(() => {
    const aborter = new AbortController();
    const until = new Date();
    const from = new Date(until.getTime() - HISTORY_DAYS * 86_400_000);
    setHistory(undefined);
    setError(undefined);
    const query = new URLSearchParams({ metro, plan, from: from.toISOString(), until: until.toISOString() });
    get<{ prices_history: { datapoints: Datapoint[] } }>(`/market/spot/prices/history?${query}`, aborter.signal).then(
      (answer) => setHistory({ points: answer.prices_history.datapoints, from: from.getTime() / 1000, until: until.getTime() / 1000 }),
      (err: unknown) => aborter.signal.aborted || setError(err),
    );
    return () => aborter.abort();
  }, [metro, plan]);
  const title = `Price history of ${plan} in ${metro} (last ${HISTORY_DAYS} days)`;
  return (
    <Section title={title} labelledBy="history-title">
      {error !== undefined && <ErrorLine error={error} />}
      {!history && error === undefined && <Loading what="the price history" />}
      {history && history.points.length === 0 && <p>No prices recorded for this pool in that time.</p>}
      {history && history.points.length > 0 && (chart ? <chart.default {...history} label={title} /> : <Loading what="the chart" />)}
    </Section>
  );
}

function Requests({ project }: { project: string }) {
  const requests = useLoad(`spot-requests:${project}`, (signal) =>
    get<{ spot_market_requests: SpotRequest[] }>(`/projects/${project}/spot-market-requests`, signal).then((a) => a.spot_market_requests),
  );
  return (
    <Section title="Spot requests of the project">
      <p>
        <a href={link.devices(project)}>Devices of the project</a>
      </p>
      {requests.error !== undefined && <ErrorLine error={requests.error} />}
      {!requests.data && requests.error === undefined && <Loading what="spot requests" />}
      {requests.data && requests.data.length === 0 && <p>This project has no spot requests.</p>}
      {requests.data && requests.data.length > 0 && (
        <table data-testid="spot-requests">
          <thead>
            <tr>
              <th scope="col">Pool</th>
              <th scope="col">Bid</th>
              <th scope="col">Price now</th>
              <th scope="col">Devices (min–max)</th>
              <th scope="col">State</th>
              <th scope="col">Devices and notices</th>
            </tr>
          </thead>
          <tbody>
            {requests.data.map((request) => (
              <tr key={request.id}>
                <td>
                  {request.plan.slug} in {request.metro.code}
                </td>
                <td>{money(request.max_bid_price)}</td>
                <td>{request.price === undefined ? '—' : money(request.price)}</td>
                <td>
                  {request.filled_total} ({request.devices_min}–{request.devices_max})
                </td>
                <td>
                  {request.state}
                  {request.closed_reason ? ` (${request.closed_reason})` : ''}
                </td>
                <td>
                  <ul class="plain">
                    {request.devices.map((device) => (
                      <li key={device.id}>
                        <a href={link.device(device.id)}>{device.hostname}</a> {device.state}
                        {device.termination_time && <strong class="warning-text"> terminates {when(device.termination_time)}</strong>}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
