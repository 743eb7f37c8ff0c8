/** One page of a listing, as the API asks for it (1-based). */
export interface Page {
  page: number;
  perPage: number;
}

/** The page's LIMIT/OFFSET clause; the numbers come bounded from the contract's schemas. */
export const limitClause = (p: Page) => `LIMIT ${p.perPage} OFFSET ${(p.page - 1) * p.perPage}`;
