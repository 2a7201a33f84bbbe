/**
 * Account endpoints: account and balance (v2, v3), position risk (v2 with every symbol and its
 * leverage/margin type, v3 with open positions only), leverage, margin type, leverage brackets,
 * symbol config, position mode (one-way only), and the user-stream listen key.
 */
import type { MarginMode } from '../../domain/index.js';
import { binanceError } from '../errors.js';
import { mandatory } from './params.js';
import { accountOf, type RouteContext, type RouteTable } from './routes.js';
import {
  accountV2Json,
  accountV3Json,
  balanceJson,
  bracketsJson,
  fmt,
  positionRiskV2Json,
  positionRiskV3Json,
  symbolConfigJson,
} from './wire.js';

function symbolFilter(ctx: RouteContext): string | undefined {
  const symbol = ctx.params.symbol();
  if (symbol !== undefined) ctx.state.sim.symbol(symbol); // -1121
  return symbol;
}

function positionRiskV2(ctx: RouteContext) {
  const { sim } = ctx.state;
  const id = accountOf(ctx);
  const symbol = symbolFilter(ctx);
  const risks = new Map(sim.positionRisk(id, symbol).map((r) => [r.symbol as string, r]));
  return sim
    .symbolConfig(id, symbol)
    .map((c) =>
      positionRiskV2Json(
        risks.get(c.symbol),
        c,
        sim.marketState(c.symbol).markPrice,
        ctx.state.precision(c.symbol),
      ),
    );
}

function setMarginType(ctx: RouteContext) {
  const raw = ctx.params.required('marginType').toUpperCase();
  // Binance accepts CROSSED; ccxt sends CROSSED for 'cross'.
  const mode: MarginMode | undefined =
    raw === 'ISOLATED' ? 'ISOLATED' : raw === 'CROSSED' || raw === 'CROSS' ? 'CROSSED' : undefined;
  if (mode === undefined) throw mandatory('marginType');
  ctx.state.sim.setMarginType(accountOf(ctx), ctx.params.requiredSymbol(), mode);
  return { code: 200, msg: 'success' };
}

function setLeverage(ctx: RouteContext) {
  const leverage = ctx.params.integer('leverage');
  if (leverage === undefined) throw mandatory('leverage');
  const r = ctx.state.sim.setLeverage(accountOf(ctx), ctx.params.requiredSymbol(), leverage);
  return { leverage: r.leverage, maxNotionalValue: fmt(r.maxNotionalValue), symbol: r.symbol };
}

function leverageBracket(ctx: RouteContext) {
  const symbol = symbolFilter(ctx);
  const specs = symbol === undefined ? ctx.state.sim.symbols() : [ctx.state.sim.symbol(symbol)];
  const list = specs.map((s) => bracketsJson(s.symbol, s.brackets));
  // With a symbol Binance answers the one object, without it the list (USDⓈ-M docs).
  return symbol === undefined ? list : list[0];
}

const account = (ctx: RouteContext, version: 2 | 3) => {
  const { sim } = ctx.state;
  const id = accountOf(ctx);
  const summary = withUpdateTime(ctx, sim.accountSummary(id));
  const risks = sim.positionRisk(id);
  return version === 3
    ? accountV3Json(summary, risks, ctx.state.precision)
    : accountV2Json(summary, risks, sim.symbolConfig(id), ctx.state.precision);
};

/** ccxt's fetchBalance skips assets whose updateTime is 0; a funded wallet has a time. */
function withUpdateTime<T extends { updateTime: number }>(ctx: RouteContext, s: T): T {
  return s.updateTime > 0 ? s : { ...s, updateTime: ctx.state.sim.now() };
}

const balance = (ctx: RouteContext) =>
  balanceJson(
    withUpdateTime(ctx, ctx.state.sim.accountSummary(accountOf(ctx))),
    `sim-${ctx.key?.apiKey.slice(0, 6)}`,
  );

export const accountRoutes: RouteTable = {
  'GET /fapi/v2/account': { security: 'SIGNED', weight: 5, handler: (ctx) => account(ctx, 2) },
  'GET /fapi/v3/account': { security: 'SIGNED', weight: 5, handler: (ctx) => account(ctx, 3) },
  'GET /fapi/v2/balance': { security: 'SIGNED', weight: 5, handler: balance },
  'GET /fapi/v3/balance': { security: 'SIGNED', weight: 5, handler: balance },
  'GET /fapi/v2/positionRisk': { security: 'SIGNED', weight: 5, handler: positionRiskV2 },
  'GET /fapi/v3/positionRisk': {
    security: 'SIGNED',
    weight: 5,
    handler: (ctx) =>
      ctx.state.sim
        .positionRisk(accountOf(ctx), symbolFilter(ctx))
        .map((r) => positionRiskV3Json(r, ctx.state.precision(r.symbol))),
  },
  'POST /fapi/v1/leverage': { security: 'SIGNED', weight: 1, handler: setLeverage },
  'POST /fapi/v1/marginType': { security: 'SIGNED', weight: 1, handler: setMarginType },
  'GET /fapi/v1/leverageBracket': { security: 'SIGNED', weight: 1, handler: leverageBracket },
  'GET /fapi/v1/symbolConfig': {
    security: 'SIGNED',
    weight: 5,
    handler: (ctx) => ctx.state.sim.symbolConfig(accountOf(ctx), symbolFilter(ctx)).map(symbolConfigJson),
  },
  'GET /fapi/v1/positionSide/dual': {
    security: 'SIGNED',
    weight: 30,
    handler: () => ({ dualSidePosition: false }),
  },
  'POST /fapi/v1/positionSide/dual': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      const dual = ctx.params.boolean('dualSidePosition');
      if (dual === undefined) throw mandatory('dualSidePosition');
      // Only one-way mode is simulated: asking for it again is Binance's "no need to change".
      if (!dual) throw binanceError(-4059, { message: 'No need to change position side.' });
      throw binanceError(-4067, { message: 'Hedge mode is not simulated.' });
    },
  },
  'GET /fapi/v1/multiAssetsMargin': {
    security: 'SIGNED',
    weight: 30,
    handler: () => ({ multiAssetsMargin: false }),
  },
  'POST /fapi/v1/listenKey': {
    security: 'USER_STREAM',
    weight: 1,
    handler: (ctx) => ({ listenKey: ctx.state.listenKeys.open(accountOf(ctx), ctx.state.wallNow()) }),
  },
  'PUT /fapi/v1/listenKey': {
    security: 'USER_STREAM',
    weight: 1,
    handler: (ctx) => ({
      listenKey: ctx.state.listenKeys.keepAlive(
        accountOf(ctx),
        ctx.state.wallNow(),
        ctx.params.string('listenKey'),
      ),
    }),
  },
  'DELETE /fapi/v1/listenKey': {
    security: 'USER_STREAM',
    weight: 1,
    handler: (ctx) => {
      const id = accountOf(ctx);
      const key = ctx.state.listenKeys.close(id, ctx.params.string('listenKey'));
      if (key !== undefined) ctx.state.hub.closeKey(key, id);
      return {};
    },
  },
};
