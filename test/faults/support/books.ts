/**
 * What the books hold for one user, as plain JSON: the in-process scenarios read it directly, the
 * engine child process sends it over its pipe, and the checks compare it with the exchange.
 */
import { createRepositories, type Db } from '../../../src/store/index.js';

export interface BookPosition {
  id: string;
  signalId: string | null;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  status: string;
  filledQty: string;
  pnl: string | null;
  exitPrice: string | null;
  closeReason: string | null;
  unprotectedSince: string | null;
  adopted: boolean;
}

export interface BookOrder {
  clientOrderId: string;
  positionId: string | null;
  leg: string;
  family: 'REGULAR' | 'ALGO';
  status: string;
  answers: number;
}

export interface BookFill {
  tradeId: string;
  clientOrderId: string;
  qty: string;
}

export interface Books {
  positions: BookPosition[];
  orders: BookOrder[];
  fills: BookFill[];
}

export async function readBooks(db: Db, userId: string): Promise<Books> {
  const repos = createRepositories(db);
  const live = await repos.positions.listLive(userId);
  const closed = await repos.positions.listClosed(userId, 1_000);
  const positions: BookPosition[] = [];
  const orders: BookOrder[] = [];
  const fills: BookFill[] = [];
  for (const p of [...live, ...closed]) {
    positions.push({
      id: p.id,
      signalId: p.signalId,
      symbol: p.symbol,
      direction: p.direction,
      status: p.status,
      filledQty: p.filledQty.toFixed(),
      pnl: p.pnl?.toFixed() ?? null,
      exitPrice: p.exitPrice?.toFixed() ?? null,
      closeReason: p.closeReason,
      unprotectedSince: p.unprotectedSince?.toISOString() ?? null,
      adopted: p.adopted,
    });
    for (const o of await repos.orders.listByPosition(p.id)) {
      orders.push({
        clientOrderId: o.clientOrderId,
        positionId: o.positionId,
        leg: o.leg,
        family: o.family,
        status: o.status,
        answers: o.answers.length,
      });
    }
    for (const f of await repos.fills.listByPosition(p.id)) {
      fills.push({ tradeId: f.tradeId, clientOrderId: f.clientOrderId, qty: f.qty.toFixed() });
    }
  }
  return { positions, orders, fills };
}
