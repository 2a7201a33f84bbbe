// V8's interrupt budget for NeuroTrade's processes: imported first by the `neurotrade` command
// (./neurotrade.js) and preloaded by `npm run bench` (node --import), so the benchmarks measure
// what users run. Not an executable.
import { setFlagsFromString } from 'node:v8';

// V8 hands a function to its optimising compiler once it has run this much bytecode (default
// 67,584). A backtest pass calls its trade path and its analysts a few thousand times, and at the
// default V8 compiles them for longer than they run: in a cold pass its compiler threads used
// about as much CPU as the pipeline itself. Twice the budget: the command's candles per
// CPU-second 263,685 -> 304,395 (+15 %), wall clock 413,282 -> 423,788 (medians of 10 fresh
// processes each, in turns). Four times saved no more CPU and cost wall clock (394,714). Hot
// loops optimise all the same. A budget given to node itself wins (to measure against).
if (!process.execArgv.some((flag) => flag.startsWith('--interrupt-budget')))
  setFlagsFromString('--interrupt-budget=135168');
