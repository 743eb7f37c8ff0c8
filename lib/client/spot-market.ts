/** The spot market: requests (bids) in a project, read, updated and deleted by id; current prices and their history. */
import type { SpotMarketRequest, SpotMarketRequestCreateInput, SpotMarketRequestUpdateInput } from '../contract/schemas';
import { path, type Transport, type WriteOptions } from './transport';

/** {location: {plan: {price}}}, location being a metro or facility code. */
export type SpotPrices = Record<string, Record<string, { price: number }>>;

export interface SpotPriceHistoryQuery {
  plan: string;
  metro?: string;
  facility?: string;
  /** ISO 8601 date-times or unix seconds. */
  from: string;
  until: string;
}

export type SpotMarketRequestDeleteOptions = {
  /** Deprovision the request's devices too (?force_termination=true); without it they keep running. */
  forceTermination?: boolean;
};

export function spotMarketApi(t: Transport) {
  return {
    listRequests: (projectId: string) =>
      t
        .get<{ spot_market_requests: SpotMarketRequest[] }>(path`/projects/${projectId}/spot-market-requests`)
        .then((r) => r.spot_market_requests),
    createRequest: (projectId: string, input: SpotMarketRequestCreateInput, options?: WriteOptions) =>
      t.post<SpotMarketRequest>(path`/projects/${projectId}/spot-market-requests`, input, options),
    getRequest: (id: string) => t.get<SpotMarketRequest>(path`/spot-market-requests/${id}`),
    /** Changes the bid and its limits of an open request; fields left out keep their value, end_at null clears it. */
    updateRequest: (id: string, input: SpotMarketRequestUpdateInput) => t.put<SpotMarketRequest>(path`/spot-market-requests/${id}`, input),
    deleteRequest: (id: string, options?: SpotMarketRequestDeleteOptions) =>
      t.delete(path`/spot-market-requests/${id}`, { force_termination: options?.forceTermination ? true : undefined }),
    /** Current prices by metro, optionally narrowed to one metro and/or plan. */
    pricesByMetro: (query?: { metro?: string; plan?: string }) =>
      t.get<{ spot_market_prices: SpotPrices }>('/market/spot/prices/metros', query).then((r) => r.spot_market_prices),
    /** Current prices by facility (the older shape). */
    pricesByFacility: (query?: { facility?: string; plan?: string }) =>
      t.get<{ spot_market_prices: SpotPrices }>('/market/spot/prices', query).then((r) => r.spot_market_prices),
    /** Datapoints [unix seconds, price], oldest first. */
    priceHistory: (query: SpotPriceHistoryQuery) =>
      t
        .get<{ prices_history: { datapoints: [number, number][] } }>('/market/spot/prices/history', { ...query })
        .then((r) => r.prices_history.datapoints),
  };
}
export type SpotMarketApi = ReturnType<typeof spotMarketApi>;
